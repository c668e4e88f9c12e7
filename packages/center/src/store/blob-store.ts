/**
 * Where sealed part bytes live. Write-once and content-addressed: `put` of an
 * existing key is a no-op; only prune calls `delete`. Implementations write
 * atomically (temporary file, fsync, rename), so a reader never sees a
 * partial blob and a crash leaves at most a temporary file, which
 * `cleanTemporary` removes at start-up.
 */
export interface BlobStore {
  put(ownerId: string, id: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or undefined when there is no such blob. */
  get(ownerId: string, id: string): Promise<Uint8Array | undefined>;
  has(ownerId: string, id: string): Promise<boolean>;
  delete(ownerId: string, id: string): Promise<void>;
  cleanTemporary(): Promise<number>;
}
