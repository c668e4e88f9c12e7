import { CenterMessage, ChannelRefusal } from '@phonesafe/protocol';
import type { z } from 'zod';

/** What the registry needs of a WebSocket (the `ws` socket has it). */
export interface ChannelSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type Refusal = z.infer<typeof ChannelRefusal>;

/** Close code for a socket replaced by a newer connection of the same handset (4000-4999: application codes). */
export const REPLACED = 4000;
/** Close code after `credential-revoked`: the credential no longer opens a channel. */
export const REVOKED = 4001;
/** Close code (RFC 6455 policy violation) for a socket that sent more messages than its rate limit. */
export const POLICY_VIOLATION = 1008;

/**
 * The handsets connected to THIS center process, one socket each: a handset
 * that reconnects (its old socket half-dead behind a NAT) replaces the old one.
 */
export class ChannelRegistry {
  readonly #sockets = new Map<string, ChannelSocket>();

  add(handsetId: string, socket: ChannelSocket): void {
    const older = this.#sockets.get(handsetId);
    this.#sockets.set(handsetId, socket);
    if (older && older !== socket) older.close(REPLACED, 'replaced by a newer connection');
  }

  /** True when `socket` was the handset's current one (a replaced socket closing is no disconnect). */
  remove(handsetId: string, socket: ChannelSocket): boolean {
    if (this.#sockets.get(handsetId) !== socket) return false;
    this.#sockets.delete(handsetId);
    return true;
  }

  /**
   * Sends when the handset is connected here; every message is checked
   * against its schema first. A revoked credential's socket is closed after
   * its notice: it was authenticated by a credential that no longer holds.
   */
  send(handsetId: string, message: CenterMessage): boolean {
    const socket = this.#sockets.get(handsetId);
    if (!socket) return false;
    socket.send(JSON.stringify(CenterMessage.parse(message)));
    if (message.type === 'credential-revoked') socket.close(REVOKED, 'credential revoked');
    return true;
  }

  refuse(socket: ChannelSocket, refusal: Refusal): void {
    socket.send(JSON.stringify(ChannelRefusal.parse(refusal)));
  }

  connected(handsetId: string): boolean {
    return this.#sockets.has(handsetId);
  }
}
