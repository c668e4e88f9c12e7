import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { PhoneSafeError } from '@phonesafe/protocol';
import { PRIVATE_FILE_MODE, tempPathIn } from './atomic-file.ts';
import { dirname } from 'node:path';

/**
 * One `handset run` per data directory: a lock file holding the pid of the
 * process that has it. The file is written under a temporary name and linked
 * into place, so it never exists without its pid, and `link` fails when
 * another process holds it. A lock whose process is gone (killed, the
 * machine restarted) is stale: it is moved aside and taken.
 */
export async function acquireRunLock(path: string): Promise<() => Promise<void>> {
  const mine = `${process.pid}\n`;
  const temp = tempPathIn(dirname(path));
  await writeFile(temp, mine, { mode: PRIVATE_FILE_MODE });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryLink(temp, path)) return () => release(path, mine);
      const holder = await holderOf(path);
      if (holder !== null && holder !== process.pid && isAlive(holder)) {
        throw new PhoneSafeError(
          'DATA_DIR_IN_USE',
          `another \`phonesafe handset run\` (pid ${holder}) is running on ${dirname(path)}; stop it first (one live channel per handset)`,
          { pid: holder },
        );
      }
      // Stale: moved aside under a name of our own, so a lock another process has just taken is never removed by name.
      const aside = tempPathIn(dirname(path));
      await rename(path, aside).catch(ignoreMissing);
      await rm(aside, { force: true });
    }
    throw new PhoneSafeError('DATA_DIR_IN_USE', `could not take the lock ${path}: other processes keep taking it`);
  } finally {
    await rm(temp, { force: true });
  }
}

async function tryLink(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function holderOf(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error)));
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function release(path: string, mine: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (text === mine) await rm(path, { force: true });
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
