/** Starts a safe: its keys, its store (migrated), its app on a port; `close()` ends it. */
import { readFile } from 'node:fs/promises';
import type { Clock } from '@phonesafe/protocol';
import { clockFromSpec } from '@phonesafe/protocol/node';
import { createServerLogger, listenOrClose, type Logger } from '@phonesafe/server-kit';
import type { DestinationStream } from 'pino';
import { buildSafeApp } from './app.ts';
import type { SafeConfig } from './config/config.ts';
import { loadSafeKeys } from './identity/safe-keys.ts';
import { openSafeStore } from './store/open-store.ts';

export interface RunningSafe {
  url: string;
  port: number;
  safeId: string;
  fingerprint: string;
  close(): Promise<void>;
}

export function createSafeLogger(config: Pick<SafeConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return createServerLogger(
    { level: config.logLevel, service: 'phonesafe-safe', secretKeys: ['proof', 'access', 'body', 'record'] },
    destination,
  );
}

export async function startSafe(config: SafeConfig, options: { clock?: Clock; logger?: Logger } = {}): Promise<RunningSafe> {
  const keys = await loadSafeKeys(config.data);
  const https = config.tls ? { cert: await readFile(config.tls.cert), key: await readFile(config.tls.key) } : undefined;
  const engine = await openSafeStore(config);
  let url = '';
  const app = buildSafeApp({
    engine,
    keys,
    config,
    clock: options.clock ?? clockFromSpec(config.clock ?? undefined),
    logger: options.logger ?? createSafeLogger(config),
    selfUrl: () => url,
    https,
  });
  app.addHook('onClose', async () => engine.db.destroy());
  const listening = await listenOrClose(app, config.host, config.port);
  url = listening.url;
  return { url, port: listening.port, safeId: keys.safeId, fingerprint: keys.fingerprint, close: () => app.close() };
}
