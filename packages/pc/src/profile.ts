import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PhoneSafeError } from '@phonesafe/protocol';

/**
 * What the pc remembers between runs so that `pc download` works after
 * `pc backups --center URL --owner EMAIL`. Never the password or a token.
 */
export interface PcProfile {
  center?: string;
  owner?: string;
  /** Path of a PEM file with the CA to trust for an HTTPS center. */
  ca?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const FILE = 'pc.json';

/**
 * PHONESAFE_PC_DIR, else $XDG_CONFIG_HOME/phonesafe, else ~/.config/phonesafe.
 * The library reads no environment itself: the host (the CLI's env.ts) passes it.
 */
export function pcConfigDir(env: Env): string {
  if (env.PHONESAFE_PC_DIR) return env.PHONESAFE_PC_DIR;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'phonesafe');
}

export async function loadProfile(dir: string): Promise<PcProfile> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new PhoneSafeError('LOCAL_IO', `cannot read the pc profile in ${dir}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PhoneSafeError('LOCAL_IO', `the pc profile ${join(dir, FILE)} is not valid JSON; delete it to start afresh`);
  }
  // Keep only the known string fields: a hand-edited file cannot smuggle anything else in.
  const profile: PcProfile = {};
  if (raw && typeof raw === 'object') {
    for (const key of ['center', 'owner', 'ca'] as const) {
      const value = (raw as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== '') profile[key] = value;
    }
  }
  return profile;
}

/**
 * Written atomically and readable by the user alone (it names the owner's
 * e-mail): the file 0600, its directory 0700, tightened if it existed.
 */
export async function saveProfile(dir: string, profile: PcProfile): Promise<void> {
  const clean: PcProfile = { center: profile.center, owner: profile.owner, ca: profile.ca };
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const temp = join(dir, `.${FILE}.${randomBytes(6).toString('hex')}`);
    await writeFile(temp, JSON.stringify(clean, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, join(dir, FILE));
  } catch (error) {
    throw new PhoneSafeError('LOCAL_IO', `cannot save the pc profile in ${dir}: ${(error as Error).message}`);
  }
}

/** The center and owner a pc command talks to. */
export interface PcTarget {
  center: string;
  owner: string;
  ca?: string;
}

/** Flag, then environment (PHONESAFE_CENTER / PHONESAFE_OWNER), then the saved profile. */
export function resolveTarget(flags: PcProfile, env: Env, profile: PcProfile): PcTarget {
  const center = flags.center ?? env.PHONESAFE_CENTER ?? profile.center;
  const owner = flags.owner ?? env.PHONESAFE_OWNER ?? profile.owner;
  if (!center) throw new PhoneSafeError('USAGE', 'no center given: use --center URL or PHONESAFE_CENTER (it is remembered afterwards)');
  if (!owner) throw new PhoneSafeError('USAGE', 'no owner given: use --owner EMAIL or PHONESAFE_OWNER (it is remembered afterwards)');
  // A remembered CA belongs to the remembered center only.
  const ca = flags.ca ?? (center === profile.center ? profile.ca : undefined);
  return ca ? { center, owner, ca } : { center, owner };
}

/**
 * The center alone, for the rescue desk verbs (no owner: the code number is
 * the credential): flag, then PHONESAFE_CENTER, then the saved profile.
 */
export function resolveCenter(flags: Pick<PcProfile, 'center' | 'ca'>, env: Env, profile: PcProfile): { center: string; ca?: string } {
  const center = flags.center ?? env.PHONESAFE_CENTER ?? profile.center;
  if (!center) throw new PhoneSafeError('USAGE', 'no center given: use --center URL or PHONESAFE_CENTER');
  const ca = flags.ca ?? (center === profile.center ? profile.ca : undefined);
  return ca ? { center, ca } : { center };
}
