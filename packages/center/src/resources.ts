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

/** Opens the resources for one task and closes them whatever happens. */
export async function withResources<T>(
  config: Pick<CenterConfig, 'db' | 'data'>,
  task: (resources: CenterResources) => Promise<T>,
): Promise<T> {
  const resources = await openResources(config);
  try {
    return await task(resources);
  } finally {
    await resources.store.close();
  }
}
