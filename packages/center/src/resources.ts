import { existsSync, statSync } from 'node:fs';
import { PhoneSafeError } from '@phonesafe/protocol';
import { sqliteFileOf } from '@phonesafe/server-kit';
import type { BlobStore } from './blobs/blob-store.ts';
import { openBlobStore } from './blobs/open-blob-store.ts';
import { openStore, type Store } from './center-store.ts';
import type { CenterConfig } from './config/config.ts';
import { prepareDataDir } from './config/data-dir.ts';

export interface CenterResources {
  store: Store;
  blobs: BlobStore;
}

/** The data directory (made or tightened to 0700), the database (migrated by openStore) and the blob store (open-blob-store.ts) of a center. */
export async function openResources(config: Pick<CenterConfig, 'db' | 'data'>): Promise<CenterResources> {
  await prepareDataDir(config.data);
  const store = await openStore(config.db);
  return { store, blobs: openBlobStore(config) };
}

/**
 * Opens the resources of an existing center for one task (verify, prune,
 * quota) and closes them whatever happens. Only a center's first start makes
 * its data: pointed at a directory (or SQLite file) that is not there, a task
 * fails with DATA_DIR_MISSING and creates nothing, so a mistyped --data never
 * answers "no damage" about an empty database it has just made.
 */
export async function withResources<T>(
  config: Pick<CenterConfig, 'db' | 'data'>,
  task: (resources: CenterResources) => Promise<T>,
): Promise<T> {
  requireExisting(config);
  const resources = await openResources(config);
  try {
    return await task(resources);
  } finally {
    await resources.store.close();
  }
}

function requireExisting(config: Pick<CenterConfig, 'db' | 'data'>): void {
  const hint = 'check --data and --db (or PHONESAFE_DATA, PHONESAFE_DB); a center makes its data on its first start';
  if (!existsSync(config.data) || !statSync(config.data).isDirectory()) {
    throw new PhoneSafeError('DATA_DIR_MISSING', `no center data directory ${config.data}: ${hint}`);
  }
  const file = sqliteFileOf(config.db);
  if (file !== null && !existsSync(file)) throw new PhoneSafeError('DATA_DIR_MISSING', `no center database ${file}: ${hint}`);
}
