/** The owner every test acts as, unless it needs another one. */
import { join } from 'node:path';
import type { Env } from './processes.ts';

export const OWNER_EMAIL = 'owner@example.com';
/** The owner's password in tests; real KDF costs make it slow only where a test asks for them. */
export const OWNER_PASSWORD = 'correct horse battery staple';

/** Environment of one owner at the pc: password and a private pc profile directory. */
export function ownerEnv(root: string, password: string = OWNER_PASSWORD, extra: Env = {}): Env {
  return { HOME: root, PHONESAFE_PC_DIR: join(root, 'pc-profile'), PHONESAFE_PASSWORD: password, ...extra };
}
