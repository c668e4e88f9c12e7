/**
 * The one place the center chooses its blob adapter from its configuration.
 * Today there is one: the local file system under `<data>/blobs`
 * (storage-format.md). An object-store adapter would be chosen here from its
 * own setting, behind the same port (blob-store.ts).
 */
import { join } from 'node:path';
import type { BlobStore } from './blob-store.ts';
import { LocalBlobStore } from './local-blob-store.ts';

export function openBlobStore(config: { data: string }): BlobStore {
  return new LocalBlobStore(join(config.data, 'blobs'));
}
