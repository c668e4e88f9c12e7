import { sha256Hex } from '@phonesafe/protocol/node';

/** Below this a hash is quicker than the hop to the thread pool and back. */
const INLINE_BYTES = 64 * 1024;

/**
 * The SHA-256 of a part's bytes (hex). A large part is hashed off the event
 * loop (WebCrypto's digest runs on libuv's thread pool), so checking an 8 MiB
 * upload or a stored part does not stall every other request meanwhile.
 */
export async function partSha256(bytes: Uint8Array): Promise<string> {
  if (bytes.length <= INLINE_BYTES) return sha256Hex(bytes);
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString('hex');
}
