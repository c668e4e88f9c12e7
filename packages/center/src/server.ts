import { readFile } from 'node:fs/promises';
import { PhoneSafeError, systemClock, type Clock } from '@phonesafe/protocol';
import { resolveCenterSecret } from './config/center-secret.ts';
import type { CenterConfig } from './config/config.ts';
import { buildApp } from './http/app.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { openResources } from './resources.ts';

export interface RunningCenter {
  /** Where the center answers, with the port actually bound (useful with port 0). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

/** Opens storage, removes temporary files a killed center left, and serves the API until `close()`. */
export async function startCenter(config: CenterConfig, options: StartOptions = {}): Promise<RunningCenter> {
  const logger = options.logger ?? createLogger(config);
  const https = config.tls ? { cert: await readPem(config.tls.cert), key: await readPem(config.tls.key) } : undefined;
  const centerSecret = await resolveCenterSecret(config);
  const { store, blobs } = await openResources(config);
  let app: ReturnType<typeof buildApp>;
  try {
    const removed = await blobs.cleanTemporary();
    if (removed > 0) logger.info({ removed }, 'removed temporary blobs left by an interrupted upload');
    app = buildApp({ store, blobs, clock: options.clock ?? systemClock, config: { ...config, centerSecret }, logger }, { https });
  } catch (error) {
    await store.close();
    throw error;
  }
  // From here the app owns the store: closing the app closes it.
  app.addHook('onClose', () => store.close());
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw new PhoneSafeError('UNAVAILABLE', `cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`, {}, { cause: error });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ url, data: config.data }, 'center started');
  return { url, port, close: () => app.close() };
}

async function readPem(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new PhoneSafeError('USAGE', `cannot read TLS file ${path}: ${(error as Error).message}`, {}, { cause: error });
  }
}
