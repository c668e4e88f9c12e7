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
  let closed = false;
  let listener: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (notification: pg.Notification) => {
    if (notification.channel !== PUSH_CHANNEL || notification.payload === undefined) return;
    let envelope: z.infer<typeof Envelope>;
    try {
      envelope = Envelope.parse(JSON.parse(notification.payload));
    } catch (error) {
      options.onError(error);
      return;
    }
    deliver(handlers, envelope.handsetId, envelope.message, options.onError);
  };

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('notification', onNotification);
    client.on('error', (error) => {
      options.onError(error);
      reconnect(client);
    });
    client.on('end', () => reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${PUSH_CHANNEL}`);
    listener = client;
  };

  // Messages published while no listener is up are lost; jobs time out and retry.
  const reconnect = (dead: pg.Client) => {
    if (closed || listener !== dead) return;
    listener = undefined;
    dead.removeAllListeners('notification');
    dead.end().catch(() => {});
    retry = setTimeout(function again() {
      listen().catch((error: unknown) => {
        options.onError(error);
        if (!closed) retry = setTimeout(again, RECONNECT_MS);
      });
    }, RECONNECT_MS);
  };

  try {
    await listen();
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
      closed = true;
      clearTimeout(retry);
      handlers.clear();
      const client = listener;
      listener = undefined;
      await Promise.allSettled([client?.end(), pool.end()]);
    },
  };
}
