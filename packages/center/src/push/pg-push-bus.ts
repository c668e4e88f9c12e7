/**
 * PostgreSQL LISTEN/NOTIFY on `phonesafe_push`, for centers sharing one
 * database. LISTEN needs one session for the life of the center, so it has a
 * dedicated client, reopened after any error; NOTIFY goes through a small
 * pool of its own so a publish never waits for the listener to reconnect.
 */
import { CenterMessage } from '@phonesafe/protocol';
import pg from 'pg';
import { z } from 'zod';
import { deliver, type PushBus, type PushHandler } from './push-bus.ts';

export const PUSH_CHANNEL = 'phonesafe_push';
const RECONNECT_MS = 1000;
const Envelope = z.strictObject({ handsetId: z.string(), message: CenterMessage });

export interface PgPushBusOptions {
  connectionString: string;
  onError: (error: unknown) => void;
}

export async function pgPushBus(options: PgPushBusOptions): Promise<PushBus> {
  const handlers = new Set<PushHandler>();
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  pool.on('error', options.onError);
  const listener = new Listener(options, (envelope) => deliver(handlers, envelope.handsetId, envelope.message, options.onError));
  try {
    await listener.listen();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    async publish(handsetId, message) {
      await pool.query('SELECT pg_notify($1, $2)', [PUSH_CHANNEL, JSON.stringify({ handsetId, message })]);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([listener.close(), pool.end()]);
    },
  };
}

/** The LISTEN session: one client for the life of the bus, reopened after any error. */
class Listener {
  readonly #options: PgPushBusOptions;
  readonly #receive: (envelope: z.infer<typeof Envelope>) => void;
  #closed = false;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: PgPushBusOptions, receive: (envelope: z.infer<typeof Envelope>) => void) {
    this.#options = options;
    this.#receive = receive;
  }

  async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString });
    client.on('notification', (notification) => this.#notified(notification));
    client.on('error', (error) => {
      this.#options.onError(error);
      this.#reconnect(client);
    });
    client.on('end', () => this.#reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${PUSH_CHANNEL}`);
    this.#client = client;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end();
  }

  #notified(notification: pg.Notification): void {
    if (notification.channel !== PUSH_CHANNEL || notification.payload === undefined) return;
    let envelope: z.infer<typeof Envelope>;
    try {
      envelope = Envelope.parse(JSON.parse(notification.payload));
    } catch (error) {
      this.#options.onError(error);
      return;
    }
    this.#receive(envelope);
  }

  // Messages published while no listener is up are lost; jobs time out and retry.
  #reconnect(dead: pg.Client): void {
    if (this.#closed || this.#client !== dead) return;
    this.#client = undefined;
    dead.removeAllListeners('notification');
    dead.end().catch(() => {});
    const again = (): void => {
      this.listen().catch((error: unknown) => {
        this.#options.onError(error);
        if (!this.#closed) this.#retry = setTimeout(again, RECONNECT_MS);
      });
    };
    this.#retry = setTimeout(again, RECONNECT_MS);
  }
}
