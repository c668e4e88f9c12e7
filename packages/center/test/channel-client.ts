/** A handset's end of the live channel for tests: the `ws` package speaking the protocol schemas. */
import { CenterMessage, ChannelRefusal } from '@phonesafe/protocol';
import WebSocket from 'ws';
import { z } from 'zod';

const Incoming = z.union([CenterMessage, ChannelRefusal]);
export type Incoming = z.infer<typeof Incoming>;

export class ChannelClient {
  readonly socket: WebSocket;
  /** Every message received, in order, each checked against the protocol schemas. */
  readonly received: Incoming[] = [];
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.received.push(Incoming.parse(JSON.parse(String(data))));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static connect(baseUrl: string, credential: string): Promise<ChannelClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/channel`, { headers: { authorization: `Bearer ${credential}` } });
    const client = new ChannelClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** The HTTP answer to an upgrade the center refuses. */
  static refusedUpgrade(baseUrl: string, authorization?: string): Promise<{ status: number; contentType: string; body: string }> {
    const headers = authorization === undefined ? {} : { authorization };
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/channel`, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      socket.once('error', () => {});
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }));
      });
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message (from `from` on) of this type, waiting up to `timeoutMs`. */
  async next<T extends Incoming['type']>(type: T, from = 0, timeoutMs = 3000): Promise<Extract<Incoming, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find((m): m is Extract<Incoming, { type: T }> => m.type === type);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} message within ${timeoutMs} ms; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends and waits for the refusal it must cause. */
  async refused(message: unknown): Promise<Extract<Incoming, { type: 'refused' }>> {
    const mark = this.received.length;
    this.send(message);
    return this.next('refused', mark);
  }

  of<T extends Incoming['type']>(type: T): Array<Extract<Incoming, { type: T }>> {
    return this.received.filter((m): m is Extract<Incoming, { type: T }> => m.type === type);
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }
}
