import { pino, type DestinationStream, type Logger } from 'pino';
import type { CenterConfig } from '../config/config.ts';

export type { Logger };

/** Secrets that may sit in a logged object, at the top level or one level down. */
const SECRET_KEYS = ['authorization', 'authKey', 'password', 'credential', 'token', 'wrappedDataKey', 'centerSecret'];

const REDACT_PATHS = [
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.authorization',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
];

/**
 * Structured JSON lines. Redaction is a safety net: request logging prints
 * only method, url and addresses, never headers or bodies, and services do
 * not log secrets in the first place.
 */
export function createLogger(config: Pick<CenterConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'phonesafe-center' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
