/** The center's log (server-kit's logger): JSON lines of `phonesafe-center`, the center secret redacted with the common secrets. */
import { createServerLogger, type Logger } from '@phonesafe/server-kit';
import type { DestinationStream } from 'pino';
import type { CenterConfig } from '../config/config.ts';

export type { Logger };

/**
 * `format` decides `auto` (the caller knows whether the log goes to a terminal); without it, `auto` is JSON.
 */
export function createLogger(
  config: Pick<CenterConfig, 'logLevel'> & Partial<Pick<CenterConfig, 'logFormat'>>,
  destination?: DestinationStream,
  format: 'json' | 'pretty' = config.logFormat === 'pretty' ? 'pretty' : 'json',
): Logger {
  return createServerLogger({ level: config.logLevel, service: 'phonesafe-center', secretKeys: ['centerSecret'], format }, destination);
}
