import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PhoneSafeError, systemClock, type Clock } from '@phonesafe/protocol';
import { clockFromSpec } from '@phonesafe/protocol/node';
import { listenOrClose } from '@phonesafe/server-kit';
import { resolveCenterSecret } from './config/center-secret.ts';
import type { CenterConfig } from './config/config.ts';
import { buildApp } from './app.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import { openPushBus } from './push/open-push-bus.ts';
import type { PushBus } from './push/push-bus.ts';
import { openResources } from './resources.ts';

/**
 * A temporary blob file lives while one upload writes and syncs it; one this
 * old was left by a killed center. Younger ones may belong to another center
 * on the same blob directory.
 */
const TEMPORARY_MAX_AGE_MS = 15 * 60_000;

export interface RunningCenter {
  /** Where the center answers, with the port actually bound (useful with port 0). */
  url: string;
  port: number;
  /** Ticks on its own every `config.tickMs`; exposed so tests and tools can tick now. */
  scheduler: Scheduler;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

/** Opens storage and the push bus, removes temporary files a killed center left, serves the API and runs the scheduler until `close()`. */
export async function startCenter(config: CenterConfig, options: StartOptions = {}): Promise<RunningCenter> {
  const logger = options.logger ?? createLogger(config);
  const https = config.tls ? await readTls(config.tls) : undefined;
  const centerSecret = await resolveCenterSecret(config);
  const clock = options.clock ?? clockFromSpec(config.clock ?? undefined);
  const { store, blobs } = await openResources(config);
  let built: ReturnType<typeof buildApp>;
  let bus: PushBus | undefined;
  try {
    // File times come from the system clock, whatever clock the center runs on.
    const removed = (await blobs.cleanTemporary?.(new Date(systemClock.now().getTime() - TEMPORARY_MAX_AGE_MS).toISOString())) ?? 0;
    if (removed > 0) logger.info({ removed }, 'removed temporary blobs left by an interrupted upload');
    bus = await openPushBus(store, config.db, (error) => logger.warn({ err: error }, 'push bus error'));
    built = buildApp({ store, blobs, clock, config: { ...config, centerSecret }, logger, bus }, { https });
  } catch (error) {
    await bus?.close();
    await store.close();
    throw error;
  }
  const { app, scheduler } = built;
  const openBus = bus;
  // From here the app owns the bus and the store: closing the app closes them.
  app.addHook('onClose', async () => {
    await openBus.close();
    await store.close();
  });
  const { url, port } = await listenOrClose(app, config.host, config.port);
  scheduler.start(config.tickMs);
  built.mailer?.start();
  logger.info({ url, data: config.data }, 'center started');
  return { url, port, scheduler, close: () => app.close() };
}

/** The certificate and its key, refused in the operator's words when the key is not the certificate's. */
async function readTls(tls: { cert: string; key: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const cert = await readPem(tls.cert);
  const key = await readPem(tls.key);
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new PhoneSafeError(
      'USAGE',
      `--tls-cert ${tls.cert} and --tls-key ${tls.key} must be a PEM certificate and its PEM private key: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  if (!matches) {
    throw new PhoneSafeError(
      'USAGE',
      `--tls-key ${tls.key} is not the private key of --tls-cert ${tls.cert} (PHONESAFE_TLS_KEY, PHONESAFE_TLS_CERT): give the key the certificate was made for`,
    );
  }
  return { cert, key };
}

async function readPem(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new PhoneSafeError('USAGE', `cannot read TLS file ${path}: ${(error as Error).message}`, {}, { cause: error });
  }
}
