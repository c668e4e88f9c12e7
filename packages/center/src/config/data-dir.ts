import { chmod, mkdir } from 'node:fs/promises';

/** Mode of the center's data directory: its owner alone may list or enter it. */
export const DATA_DIR_MODE = 0o700;

/**
 * Creates the center's data directory with mode 0700, or tightens one that
 * already exists (made by an older version, or by hand with the umask's
 * 0755), so nothing in it is reachable by other users whatever its files'
 * own modes. Idempotent.
 */
export async function prepareDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
  await chmod(dir, DATA_DIR_MODE);
}
