import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PhoneSafeError } from '@phonesafe/protocol';

/** Fewer cores than this: no pool, everything is sealed on the main thread. */
const MIN_CORES = 3;

export interface SealRequest {
  n: number;
  plain: Uint8Array;
  id: string;
  compress: boolean;
}

export type SealReply = { n: number; bytes: Uint8Array; sha256: string } | { n: number; error: string };

/**
 * Sealing (zstd + AES-256-GCM + SHA-256 of the sealed bytes) on worker
 * threads, one per core besides the main thread's (forThisMachine), so a large
 * file's chunks are sealed while the main thread reads, chunks, names (HMAC)
 * and writes them. Threads start on first use and
 * never keep the process alive (unref). The data key goes to the threads
 * in-process, never to disk.
 */
export class SealPool {
  readonly #dataKey: Buffer;
  readonly #size: number;
  readonly #workers: Array<Worker | undefined> = [];
  readonly #waiting = new Map<number, { resolve: (r: { bytes: Buffer; sha256: string }) => void; reject: (e: Error) => void }>();
  #next = 0;

  /**
   * The pool for this machine: one thread per core besides the main thread's,
   * or none on one or two cores. On the shared 2-core bench machine one
   * thread made a 256 MiB media import slower (6.2 s against 5.6 s) and
   * raised its peak RSS from 231 to 312 MiB, past the 256 MiB budget.
   */
  static forThisMachine(dataKey: Buffer, cores = availableParallelism()): SealPool | undefined {
    return cores >= MIN_CORES ? new SealPool(dataKey, cores - 1) : undefined;
  }

  constructor(dataKey: Buffer, size: number) {
    this.#dataKey = Buffer.from(dataKey);
    this.#size = Math.max(1, size);
  }

  /** Threads the pool uses: what a caller may keep in flight to keep them busy. */
  get size(): number {
    return this.#size;
  }

  /** Seals a copy of `plain` (the caller may reuse its buffer as soon as this returns). */
  seal(plain: Uint8Array, id: string, compress: boolean): Promise<{ bytes: Buffer; sha256: string }> {
    const n = this.#next++;
    const worker = this.#worker(n % this.#size);
    return new Promise((resolve, reject) => {
      this.#waiting.set(n, { resolve, reject });
      const request: SealRequest = { n, plain: Uint8Array.from(plain), id, compress };
      worker.ref();
      worker.postMessage(request, [request.plain.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map((w) => w?.terminate()));
  }

  #worker(index: number): Worker {
    const existing = this.#workers[index];
    if (existing) return existing;
    const worker = new Worker(new URL('./seal-worker.ts', import.meta.url), {
      workerData: this.#dataKey,
      // A small young generation collects each chunk's buffers soon after use, keeping the process within its memory budget.
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    });
    worker.on('message', (reply: SealReply) => this.#settle(reply, worker));
    // A thread that dies fails what it was asked and is replaced at the next request.
    const gone = (error: Error): void => {
      if (this.#workers[index] === worker) this.#workers[index] = undefined;
      this.#failAll(error);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new PhoneSafeError('INTERNAL', `a sealing thread exited (${code})`)));
    worker.unref();
    this.#workers[index] = worker;
    return worker;
  }

  #settle(reply: SealReply, worker: Worker): void {
    const waiting = this.#waiting.get(reply.n);
    this.#waiting.delete(reply.n);
    if (![...this.#waiting.keys()].some((n) => n % this.#size === this.#workers.indexOf(worker))) worker.unref();
    if (!waiting) return;
    if ('error' in reply) waiting.reject(new PhoneSafeError('INTERNAL', `sealing a part failed: ${reply.error}`));
    else waiting.resolve({ bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength), sha256: reply.sha256 });
  }

  #failAll(error: Error): void {
    for (const { reject } of this.#waiting.values()) reject(error);
    this.#waiting.clear();
  }
}
