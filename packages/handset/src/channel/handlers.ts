import type { CenterMessage } from '@phonesafe/protocol';
import type { EventSink } from './events.ts';
import type { Connection } from './socket.ts';

export type CenterMessageType = CenterMessage['type'];
export type MessageOf<T extends CenterMessageType> = Extract<CenterMessage, { type: T }>;

/** What a handler may do on the channel, for the connection its message came on. */
export interface ChannelScope {
  /** Sends a frame on this connection (answers and reports). */
  readonly connection: Connection;
  readonly emit: EventSink;
  /** Work that goes on in the background: `run` resolves only once all of it has settled. */
  track(work: Promise<void>): void;
  /**
   * The credential is revoked: the loop stops reconnecting, and once the work
   * in flight is done the handset forgets its enrollment and `run` rejects
   * with CREDENTIAL_REVOKED.
   */
  revoke(detail: string): void;
}

/** Handles one message; it never throws (failures are events) and never waits: longer work goes to `scope.track`. */
export type Handler<T extends CenterMessageType> = (message: MessageOf<T>, scope: ChannelScope) => void;

/**
 * One handler for every message type the center sends. Capabilities each
 * contribute theirs (a `Pick` of this table) and the agent spreads them
 * into one table that `satisfies HandlerTable`: a message type added to the
 * protocol without a handler fails the type check, instead of falling
 * into someone else's branch.
 */
export type HandlerTable = { readonly [T in CenterMessageType]: Handler<T> };

/** Work a capability starts on every new connection (e.g. pending restores, the schedule registration). */
export type OnConnect = (scope: ChannelScope) => void;

/** Hands a validated message to its type's handler. */
export function dispatch(table: HandlerTable, message: CenterMessage, scope: ChannelScope): void {
  // The compiler cannot pair a member of the union with its own handler; the mapped type of the table does.
  const handler = table[message.type] as Handler<CenterMessageType>;
  handler(message, scope);
}
