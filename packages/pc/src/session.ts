import { PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner, type HttpOptions, type HttpTimeouts, type OwnerSession } from '@phonesafe/protocol/node';

/**
 * An owner logged in from the pc. Close it to log out and release the
 * connections: the pc keeps no token, so none outlives the session.
 */
export interface PcSession {
  readonly center: string;
  readonly owner: OwnerSession;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  center: string;
  owner: string;
  password: string;
  /** PEM of the CA to trust for an HTTPS center with its own certificate. */
  ca?: string;
  /** Connect and inactivity timeouts of every request (the client's defaults otherwise). */
  timeouts?: HttpTimeouts;
}

export async function openSession(options: OpenSessionOptions): Promise<PcSession> {
  const baseUrl = centerUrl(options.center);
  const client = new CenterClient(clientOptions(baseUrl, options));
  try {
    const owner = await loginOwner(client, options.owner, options.password);
    const close = async () => {
      // Best effort: a session the center cannot be told about ends with its token's lifetime (1 h).
      await owner.client.logout().catch(() => {});
      await client.close();
    };
    return { center: baseUrl, owner, close };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** What the pc's clients are made with: the center, and the CA and timeouts when given. */
export function clientOptions(baseUrl: string, options: { ca?: string; timeouts?: HttpTimeouts }): HttpOptions {
  return { baseUrl, ...(options.ca ? { ca: options.ca } : {}), ...(options.timeouts ? { timeouts: options.timeouts } : {}) };
}

/** The center URL checked (http or https) and without a trailing slash. */
export function centerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PhoneSafeError('USAGE', `the center must be a URL like http://127.0.0.1:8780, not ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PhoneSafeError('USAGE', `the center URL must use http or https: ${value}`);
  }
  return url.toString().replace(/\/$/, '');
}
