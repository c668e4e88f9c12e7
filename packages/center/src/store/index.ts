export type * from './store.ts';
export type { BlobStore } from './blob-store.ts';
export { openStore } from './open-store.ts';
