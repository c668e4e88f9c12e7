/**
 * Where sealed part bytes live, content-addressed. Implementations write
 * atomically (temporary file, fsync, rename), so a reader never sees a
 * partial blob and a crash leaves at most a temporary file, which
 * `cleanTemporary` removes at start-up. `put` replaces any blob under the
 * key: write-once is the part service's rule (it puts only ids it has no row
 * for, so what it replaces is a blob an interrupted upload left unrecorded),
 * and only prune calls `delete`.
 */
export interface BlobStore {
  put(ownerId: string, id: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or undefined when there is no such blob. */
  get(ownerId: string, id: string): Promise<Uint8Array | undefined>;
  has(ownerId: string, id: string): Promise<boolean>;
  delete(ownerId: string, id: string): Promise<void>;
  cleanTemporary(): Promise<number>;
}
