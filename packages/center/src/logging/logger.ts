/** The center's log (server-kit's logger): JSON lines of `phonesafe-center`, the center secret redacted with the common secrets. */
import { createServerLogger, type Logger } from '@phonesafe/server-kit';
import type { DestinationStream } from 'pino';
import type { CenterConfig } from '../config/config.ts';

export type { Logger };

export function createLogger(config: Pick<CenterConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return createServerLogger({ level: config.logLevel, service: 'phonesafe-center', secretKeys: ['centerSecret'] }, destination);
}
