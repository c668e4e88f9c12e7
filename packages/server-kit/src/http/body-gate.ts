/**
 * A bound on how many large request bodies the center reads at once
 * (issue 8 item 11). A request whose body may be large waits, after
 * authentication and before a byte of its body is read, for one of
 * `reading` slots; while it waits, TCP flow control holds its body in the
 * client, not in the center's memory. At most `waiting` requests wait; the
 * next one is refused at once with UNAVAILABLE (retryable), so the queue
 * itself is bounded too. A waiter whose connection is reset leaves the
 * queue at once; one whose client merely closed is noticed when its turn
 * comes (its socket is not read while it waits) and gives the slot on.
 * Waiting has no deadline of its own: a slot is held only while a body is
 * being read, and the client's own inactivity timeout ends a wait it finds
 * too long.
 */
import type { IncomingMessage } from 'node:http';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { FastifyRequest } from 'fastify';
import type { App } from './zod.ts';

/** Bodies up to this size are read without a slot: control messages must not queue behind uploads. */
export const SMALL_BODY_BYTES = 64 * 1024;

export interface BodyGateLimits {
  /** Large bodies read at once. */
  reading: number;
  /** Requests that may wait for a slot. */
  waiting: number;
}

export interface BodyGateStats {
  reading: number;
  waiting: number;
  /** The most bodies ever read at once: never more than the limit. */
  mostReading: number;
}

export class BodyGate {
  readonly #limits: BodyGateLimits;
  readonly #server: string;
  readonly #queue: Array<() => void> = [];
  #reading = 0;
  #mostReading = 0;

  /** `server` names the server in the refusal's detail ("the center is reading …"). */
  constructor(limits: BodyGateLimits, server: string) {
    this.#limits = limits;
    this.#server = server;
  }

  stats(): BodyGateStats {
    return { reading: this.#reading, waiting: this.#queue.length, mostReading: this.#mostReading };
  }

  /**
   * Takes a slot for reading the body of `raw`, waiting if none is free.
   * Resolves with the slot's release, which may be called any number of times.
   */
  async enter(raw: IncomingMessage): Promise<() => void> {
    if (this.#reading < this.#limits.reading) {
      this.#reading++;
      this.#mostReading = Math.max(this.#mostReading, this.#reading);
    } else {
      await this.#wait(raw);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the first waiter, so no newcomer can take it in between.
      const next = this.#queue.shift();
      if (next) next();
      else this.#reading--;
    };
  }

  /** Resolves when a released slot is handed to this request. */
  #wait(raw: IncomingMessage): Promise<void> {
    if (this.#queue.length >= this.#limits.waiting) {
      throw new PhoneSafeError(
        'UNAVAILABLE',
        `the ${this.#server} is reading ${this.#reading} large bodies and ${this.#queue.length} more wait; try again shortly`,
      );
    }
    return new Promise((resolve, reject) => {
      const wake = () => {
        raw.off('close', leave);
        resolve();
      };
      const leave = () => {
        this.#queue.splice(this.#queue.indexOf(wake), 1);
        reject(new PhoneSafeError('BAD_REQUEST', 'the client went away while its body waited to be read'));
      };
      this.#queue.push(wake);
      raw.once('close', leave);
    });
  }
}

/** Puts every request with a possibly large body through the gate, between authentication and body parsing. */
export function useBodyGate(app: App, gate: BodyGate): void {
  const releases = new WeakMap<FastifyRequest, () => void>();
  const release = async (request: FastifyRequest): Promise<void> => {
    releases.get(request)?.();
  };
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!mayBeLarge(request)) return payload;
    const done = await gate.enter(request.raw);
    releases.set(request, done);
    // A body cut short or a connection dropped mid-body frees the slot too.
    request.raw.once('close', done);
    return payload;
  });
  // The body has been read and parsed once validation starts; a refused body ends in a response.
  app.addHook('preValidation', release);
  app.addHook('onResponse', release);
}

function mayBeLarge(request: FastifyRequest): boolean {
  if (request.routeOptions.bodyLimit <= SMALL_BODY_BYTES) return false;
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > SMALL_BODY_BYTES;
  return request.headers['transfer-encoding'] !== undefined;
}
