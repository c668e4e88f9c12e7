import { PhoneSafeError } from '@phonesafe/protocol';
import type { HttpTimeouts } from '@phonesafe/protocol/node';

let timeouts: HttpTimeouts | undefined;

/**
 * The HTTP client's timeouts for this process, read once from the
 * environment: PHONESAFE_HTTP_TIMEOUT_SECONDS (no byte moving on a request
 * this long, default 120) and PHONESAFE_HTTP_CONNECT_TIMEOUT_SECONDS
 * (default 30). Unset ones keep the client's defaults. Handset and pc verbs
 * pass them to every client they open.
 */
export function httpTimeouts(env: NodeJS.ProcessEnv = process.env): HttpTimeouts {
  timeouts ??= {
    ...seconds('PHONESAFE_HTTP_CONNECT_TIMEOUT_SECONDS', env, 'connectMs'),
    ...seconds('PHONESAFE_HTTP_TIMEOUT_SECONDS', env, 'idleMs'),
  };
  return timeouts;
}

function seconds(name: string, env: NodeJS.ProcessEnv, key: keyof HttpTimeouts): HttpTimeouts {
  const value = env[name];
  if (value === undefined || value === '') return {};
  const number = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || number <= 0 || number > 24 * 3600) {
    throw new PhoneSafeError('USAGE', `${name} must be a number of seconds above 0 and at most 86400, not '${value}'`);
  }
  return { [key]: Math.round(number * 1000) };
}
