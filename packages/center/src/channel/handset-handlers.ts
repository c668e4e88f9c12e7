/**
 * What capabilities give the live channel (an infrastructure: it knows none
 * of them): a handler for every message a handset may send, and hooks for a
 * socket that connects, a message that reached a socket, a socket that
 * dropped. The composition root (app.ts) assembles them.
 */
import type { CenterMessage, HandsetMessage } from '@phonesafe/protocol';

/** Handles one message of type T from `handsetId`. A PhoneSafeError it throws is answered as a refusal and has had no effect. */
export type HandsetHandler<T extends HandsetMessage['type']> = (
  handsetId: string,
  message: Extract<HandsetMessage, { type: T }>,
) => Promise<unknown>;

/** One handler per message type: a table missing a type of HandsetMessage does not compile. */
export type HandsetHandlers = { readonly [T in HandsetMessage['type']]: HandsetHandler<T> };

/** A capability's reaction to a channel event; `failure` is logged when it throws (the channel goes on). */
export interface ChannelObserver<A extends unknown[]> {
  readonly failure: string;
  run(...args: A): Promise<void>;
}

export interface ChannelHooks {
  /** Messages a handset gets the moment it connects, sent to its socket directly (rescue: R5). */
  onConnect: ReadonlyArray<{ readonly failure: string; messages(handsetId: string): Promise<CenterMessage[]> }>;
  /** A message reached the handset's socket on this center (rescue: an attempt). */
  onSent: ReadonlyArray<ChannelObserver<[handsetId: string, message: CenterMessage]>>;
  /** The handset's current socket closed while the center goes on (jobs: a transfer it agreed to will not come). */
  onDisconnect: ReadonlyArray<ChannelObserver<[handsetId: string]>>;
}
