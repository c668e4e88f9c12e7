/**
 * Temporary directories for tests, all named `phonesafe-<label>-XXXXXX` under
 * the system's temporary folder. Removed when the test ends, unless
 * PHONESAFE_KEEP_TMP=1 (for looking at what a failed test left).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `tempDir` needs of a test: node:test's TestContext, or a suite's `after`. */
export interface AfterHook {
  after(fn: () => Promise<void> | void): void;
}

export const keepTemporary = (): boolean => process.env['PHONESAFE_KEEP_TMP'] === '1';

/** A fresh temporary directory, removed after the test. */
export async function tempDir(t: AfterHook, label = 'test'): Promise<string> {
  const made = await makeTempDir(label);
  t.after(() => made.remove());
  return made.dir;
}

/** A fresh temporary directory whose owner removes it (harnesses that outlive one test). */
export async function makeTempDir(label = 'test'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `phonesafe-${label}-`));
  return { dir, remove: () => (keepTemporary() ? Promise.resolve() : rm(dir, { recursive: true, force: true })) };
}
