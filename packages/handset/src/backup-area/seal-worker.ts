/**
 * A thread of the SealPool: compresses and seals chunks with the owner's
 * keys, as OwnerKeys.sealPart does on the main thread (same envelope, same
 * id in the AAD). Each answer carries the request's number.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OwnerKeys } from '@phonesafe/protocol/node';
import type { SealReply, SealRequest } from './seal-pool.ts';

const keys = new OwnerKeys(Buffer.from(workerData as Uint8Array));
const port = parentPort!;

port.on('message', (request: SealRequest) => {
  try {
    const sealed = keys.sealPart(request.plain, { compress: request.compress, id: request.id });
    const reply: SealReply = { n: request.n, bytes: sealed.bytes, sha256: sealed.sha256 };
    // A large envelope owns its memory: moved to the main thread, not copied.
    const { buffer, byteOffset, byteLength } = sealed.bytes;
    port.postMessage(reply, byteOffset === 0 && byteLength === buffer.byteLength ? [buffer as ArrayBuffer] : []);
  } catch (error) {
    port.postMessage({ n: request.n, error: error instanceof Error ? error.message : String(error) } satisfies SealReply);
  }
});
