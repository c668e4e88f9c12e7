import type { DialectName } from '@phonesafe/server-kit';
import { inProcessBus } from './in-process-bus.ts';
import { pgPushBus } from './pg-push-bus.ts';
import type { PushBus } from './push-bus.ts';

/** The bus that fits the store: several centers can share PostgreSQL, while SQLite means one center. */
export function openPushBus(store: { readonly dialect: DialectName }, dbUrl: string, onError: (error: unknown) => void): Promise<PushBus> {
  return store.dialect === 'postgres' ? pgPushBus({ connectionString: dbUrl, onError }) : Promise.resolve(inProcessBus(onError));
}
