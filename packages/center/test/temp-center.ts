/** A SQLite store and a local blob store in a fresh temporary directory, for service tests. */
import { join } from 'node:path';
import { makeTempDir } from '@phonesafe/testkit';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';

export interface TempCenter {
  store: Store;
  /** The SQLite file behind `store`. */
  dbFile: string;
  blobs: LocalBlobStore;
  blobRoot: string;
  cleanup: () => Promise<void>;
}

export async function tempCenter(): Promise<TempCenter> {
  const { dir, remove } = await makeTempDir('center');
  const dbFile = join(dir, 'center.db');
  const store = await openStore(`sqlite:${dbFile}`);
  const blobRoot = join(dir, 'blobs');
  const center: TempCenter = {
    store,
    dbFile,
    blobs: new LocalBlobStore(blobRoot),
    blobRoot,
    cleanup: async () => {
      await center.store.close();
      await remove();
    },
  };
  return center;
}
