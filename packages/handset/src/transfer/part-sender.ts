import { forEachConcurrent, PhoneSafeError, type PartRef, type SealedPart } from '@phonesafe/protocol';
import type { BackupArea } from '../backup-area/backup-area.ts';
import type { PartIndex } from '../backup-area/part-index.ts';
import type { Session } from '../session.ts';
import type { ProgressFn } from '../types.ts';

/** The protocol's request limit is 100,000 ids; smaller batches keep each answer quick. */
const MISSING_BATCH = 5_000;
const CONCURRENT_UPLOADS = 4;

export interface SenderDeps {
  session: Session;
  index: PartIndex;
  area: BackupArea;
}

/**
 * Moves parts from the backup area to the center (B5): asks which are
 * missing, uploads those with a few in flight, and records each
 * acknowledgement the moment it arrives, so a transfer broken at any point
 * resumes without sending an acknowledged part again.
 */
export class PartSender {
  readonly #deps: SenderDeps;

  constructor(deps: SenderDeps) {
    this.#deps = deps;
  }

  /**
   * The ids the center lacks. The index forgets that it had those (the center
   * may have pruned them) and adopts the center's ref of the others: sealing
   * is randomised, so a part another handset of the owner sent (or whose
   * acknowledgement was lost) is stored with other bytes than our copy, and
   * the end notice must name the center's.
   */
  async missing(ids: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (let start = 0; start < ids.length; start += MISSING_BATCH) {
      const status = await this.#deps.session.client.partStatus(ids.slice(start, start + MISSING_BATCH));
      missing.push(...status.missing);
      for (const ref of status.present) this.#deps.index.recordAtCenter(ref);
    }
    this.#deps.index.markMissing(missing);
    return missing;
  }

  async upload(ids: readonly string[], onProgress?: ProgressFn): Promise<{ parts: number; bytes: number }> {
    const total = ids.reduce((sum, id) => sum + (this.#deps.index.ref(id)?.size ?? 0), 0);
    const sent = { parts: 0, bytes: 0 };
    let done = 0;
    await forEachConcurrent(ids, CONCURRENT_UPLOADS, async (id) => {
      const bytes = await this.#deps.area.read(id);
      const ref = this.#deps.index.ref(id);
      if (!bytes || !ref) throw new PhoneSafeError('LOCAL_IO', `part ${id} is missing from the backup area`);
      const answer = await this.#put({ id, bytes, sha256: ref.sha256 });
      this.#deps.index.recordAtCenter(answer.ref);
      if (answer.sent) {
        sent.parts++;
        sent.bytes += bytes.length;
      }
      done += bytes.length;
      onProgress?.({ phase: 'upload', done, total, unit: 'bytes' });
    });
    return sent;
  }

  /** Uploads one sealed part held in memory (the manifest) and returns the ref the center keeps. */
  async sendSealed(part: Pick<SealedPart, 'id' | 'bytes' | 'sha256'>): Promise<PartRef> {
    return (await this.#put(part)).ref;
  }

  /** The part's acknowledgement; when the center holds other bytes under this id, the ref of those. */
  async #put(part: Pick<SealedPart, 'id' | 'bytes' | 'sha256'>): Promise<{ ref: PartRef; sent: boolean }> {
    try {
      const { ack } = await this.#deps.session.client.putPart(part.id, part.bytes, part.sha256);
      return { ref: ack, sent: true };
    } catch (error) {
      if (!(error instanceof PhoneSafeError) || error.code !== 'PART_CONFLICT') throw error;
      // Another handset of the owner stored this part meanwhile: name its copy.
      const [stored] = (await this.#deps.session.client.partStatus([part.id])).present;
      if (!stored) throw error;
      return { ref: stored, sent: false };
    }
  }
}
