/** The owner every test acts as, unless it needs another one, and the start most end-to-end tests share. */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startCenter, type CenterProcess, type Env } from './processes.ts';
import { tempDir } from './temp.ts';

export const OWNER_EMAIL = 'owner@example.com';
/** The owner's password in tests; real KDF costs make it slow only where a test asks for them. */
export const OWNER_PASSWORD = 'correct horse battery staple';

/** Environment of one owner at the pc: password and a private pc profile directory. */
export function ownerEnv(root: string, password: string = OWNER_PASSWORD, extra: Env = {}): Env {
  return { HOME: root, PHONESAFE_PC_DIR: join(root, 'pc-profile'), PHONESAFE_PASSWORD: password, ...extra };
}

export interface CenterWithOwner {
  /** The test's temporary directory. */
  root: string;
  /** The center's data directory, ROOT/center. */
  data: string;
  center: CenterProcess;
  /** `owner` at the pc, pointed at the center (PHONESAFE_CENTER, PHONESAFE_OWNER). */
  env: Env;
}

/** A temporary root, a `phonesafe center` process on it, and the environment of `owner` using it. */
export async function centerWithOwner(t: TestContext, owner: string, password: string = OWNER_PASSWORD): Promise<CenterWithOwner> {
  const root = await tempDir(t);
  const data = join(root, 'center');
  const center = await startCenter(t, data);
  return { root, data, center, env: ownerEnv(root, password, { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: owner }) };
}
