import { PhoneSafeError } from '@phonesafe/protocol';
import { Backoff, sleep, type BackoffOptions } from './backoff.ts';
import { inSeconds, type EventSink } from './events.ts';
import { dispatch, type ChannelScope, type HandlerTable, type OnConnect } from './handlers.ts';
import { parseIncoming } from './messages.ts';
import { connectOnce, type ChannelEndpoint, type Connection } from './socket.ts';

/**
 * What the run loop needs from the agent; the loop knows the channel, the
 * capabilities know the handset. It does not grow with them: a capability
 * adds its handlers to the table and, when it has some, work to do on
 * every connection.
 */
export interface ChannelSetup {
  endpoint: ChannelEndpoint;
  handlers: HandlerTable;
  /** Started in this order on every connection. */
  onConnect: readonly OnConnect[];
  /** The center revoked the credential: forget the enrollment and the owner's key (identity/unenroll.ts). */
  forget(): Promise<void>;
}

export interface RunOptions {
  /** Stops the loop: the socket closes, work in flight finishes, then `run` resolves. */
  signal: AbortSignal;
  onEvent?: EventSink;
  reconnect?: Partial<BackoffOptions>;
  /** Ping interval that detects a dead connection; 30 s by default. */
  heartbeatMs?: number;
}

/**
 * `phonesafe handset run`: keeps the live channel open (docs/design/live-channel.md),
 * hands every validated message to its handler — backup start requests are
 * answered at once, NG with the readiness reason or OK and then the backup
 * in the background; the rescue desk's save and erase run in the
 * background (R2); pending restores are applied when told and on every
 * connection (a restore pushed while the handset was away is not lost).
 * Reconnects with backoff until the signal aborts, or until the center
 * revokes the credential (by its owner, or after a rescue erase): then the
 * handset forgets its enrollment and `run` rejects with CREDENTIAL_REVOKED.
 */
export async function runChannel(setup: ChannelSetup, options: RunOptions): Promise<void> {
  const loop = new LoopState(options);
  const backoff = new Backoff(options.reconnect);
  while (!loop.signal.aborted) {
    const end = await connectOnce(setup.endpoint, {
      signal: loop.signal,
      heartbeatMs: options.heartbeatMs ?? 30_000,
      onOpen: (connection) => {
        backoff.reset();
        loop.emit({ event: 'connected', center: setup.endpoint.url });
        const scope = loop.scopeOf(connection);
        for (const start of setup.onConnect) start(scope);
      },
      onText: (connection, text) => received(setup.handlers, loop, connection, text),
    });
    // The loop's one decision on a code, and not a retry decision: a revoked credential ends the enrollment.
    // Every other end, a refused upgrade included, is followed by a reconnect with backoff (live-channel.md).
    if (end.refusedCode === 'CREDENTIAL_REVOKED') loop.revoke(end.reason);
    if (loop.signal.aborted) break;
    const retryInMs = backoff.next();
    loop.emit({
      event: 'disconnected',
      reason: end.opened ? end.reason : `could not connect: ${end.reason}`,
      reconnectInSeconds: inSeconds(retryInMs),
    });
    await sleep(retryInMs, loop.signal);
  }
  await finish(setup, loop);
}

/** A frame from the center: a message goes to its handler, anything else is reported. */
function received(handlers: HandlerTable, loop: LoopState, connection: Connection, text: string): void {
  const incoming = parseIncoming(text);
  switch (incoming.kind) {
    case 'message':
      return dispatch(handlers, incoming.message, loop.scopeOf(connection));
    case 'refused': {
      const { requestId, code, detail } = incoming.refusal;
      return loop.emit({ event: 'refused', requestId: requestId ?? null, code, detail });
    }
    case 'invalid':
      return loop.emit({ event: 'invalid-message', detail: incoming.detail });
  }
}

/** After the last connection: the work in flight settles, then a revocation is carried out. */
async function finish(setup: ChannelSetup, loop: LoopState): Promise<void> {
  await loop.settled();
  const { revoked } = loop;
  if (revoked !== undefined) {
    // After the work in flight: a rescue erase still reporting needs the credential.
    await setup.forget();
    loop.emit({ event: 'revoked', detail: revoked });
  }
  loop.emit({ event: 'stopped' });
  if (revoked !== undefined)
    throw new PhoneSafeError(
      'CREDENTIAL_REVOKED',
      `${revoked}; the enrolment and the owner's key are deleted from this handset: enrol it again to use it`,
    );
}

/** The loop's own state: its stop signal, the work in flight, and why it was revoked (if it was). */
class LoopState {
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  readonly #halt = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #revoked: string | undefined;

  constructor(options: RunOptions) {
    this.signal = AbortSignal.any([options.signal, this.#halt.signal]);
    this.emit = (event) => options.onEvent?.(event);
  }

  get revoked(): string | undefined {
    return this.#revoked;
  }

  /** The first reason counts; the loop ends. */
  revoke(detail: string): void {
    this.#revoked ??= detail;
    this.#halt.abort();
  }

  track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  scopeOf(connection: Connection): ChannelScope {
    return {
      connection,
      emit: this.emit,
      track: (work) => this.track(work),
      revoke: (detail) => this.revoke(detail),
    };
  }
}
