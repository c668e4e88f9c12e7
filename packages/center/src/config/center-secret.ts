import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CenterConfig } from './config.ts';
import { DATA_DIR_MODE } from './data-dir.ts';

const SECRET_FILE = 'center-secret';

/**
 * The per-center secret (keys the fake prelogin answers). Taken from the
 * configuration when given; otherwise kept in the data directory, made once
 * with mode 0600, so the fake answers stay stable across restarts.
 */
export async function resolveCenterSecret(config: Pick<CenterConfig, 'data' | 'centerSecret'>): Promise<string> {
  if (config.centerSecret !== null) return config.centerSecret;
  const file = join(config.data, SECRET_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PhoneSafeError('LOCAL_IO', `cannot read the center secret ${file}`, {}, { cause: error });
    }
  }
  const secret = randomBytes(32).toString('hex');
  await mkdir(config.data, { recursive: true, mode: DATA_DIR_MODE });
  try {
    // 'wx': if two starts race, the second fails here and reads the winner's secret.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw new PhoneSafeError('LOCAL_IO', `cannot write the center secret ${file}`, {}, { cause: error });
  }
}
