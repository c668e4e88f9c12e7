import { readFile, rm } from 'node:fs/promises';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { Layout } from '../layout.ts';
import { writeFileAtomic } from '../util/atomic-file.ts';

/** Who this handset is at its center. The credential is a secret: never print or log it. */
export interface Identity {
  center: string;
  /** PEM of a CA to trust for an HTTPS center with its own certificate. */
  ca?: string;
  handsetId: string;
  name: string;
  credential: string;
  /** The owner's e-mail address. */
  owner: string;
  /** The handset's phone number, when enrolled with one (seed 004). The rescue code number is never kept. */
  phone?: string;
}

/** Readable and writable by the handset's user only: both files hold secrets. */
const SECRET_MODE = 0o600;
const DATA_KEY_BYTES = 32;

/** identity.json and data.key in the data directory. */
export class IdentityFiles {
  readonly #layout: Layout;

  constructor(layout: Layout) {
    this.#layout = layout;
  }

  /** The enrollment, or undefined for a handset not enrolled yet. */
  async load(): Promise<{ identity: Identity; dataKey: Buffer } | undefined> {
    let text: string;
    try {
      text = await readFile(this.#layout.identity, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const dataKey = await readFile(this.#layout.dataKey);
    if (dataKey.length !== DATA_KEY_BYTES) throw new PhoneSafeError('LOCAL_IO', `${this.#layout.dataKey} is damaged`);
    return { identity: parseIdentity(text, this.#layout.identity), dataKey };
  }

  /** The key first, so an identity on disk always has its key next to it. */
  async save(identity: Identity, dataKey: Buffer): Promise<void> {
    await writeFileAtomic(this.#layout.dataKey, dataKey, SECRET_MODE);
    await writeFileAtomic(this.#layout.identity, `${JSON.stringify(identity, null, 2)}\n`, SECRET_MODE);
  }

  /** The reverse of save, in the reverse order; a second call finds nothing to remove. */
  async forget(): Promise<void> {
    await rm(this.#layout.identity, { force: true });
    await rm(this.#layout.dataKey, { force: true });
  }
}

function parseIdentity(text: string, file: string): Identity {
  const value: unknown = JSON.parse(text);
  const fields = ['center', 'handsetId', 'name', 'credential', 'owner'] as const;
  const ok = typeof value === 'object' && value !== null && fields.every((f) => typeof (value as Record<string, unknown>)[f] === 'string');
  if (!ok) throw new PhoneSafeError('LOCAL_IO', `${file} is damaged`);
  return value as Identity;
}
