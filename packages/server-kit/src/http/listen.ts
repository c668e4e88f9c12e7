import type { FastifyInstance } from 'fastify';
import { PhoneSafeError } from '@phonesafe/protocol';

/**
 * Starts serving a built app on `host:port` (0: any free port) and answers
 * its URL and the port it got. If it cannot listen, the app is closed (its
 * onClose hooks release what it owns) and UNAVAILABLE names the address.
 */
export async function listenOrClose(app: FastifyInstance, host: string, port: number): Promise<{ url: string; port: number }> {
  let url: string;
  try {
    url = await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw new PhoneSafeError('UNAVAILABLE', `cannot listen on ${host}:${port}: ${(error as Error).message}`, {}, { cause: error });
  }
  const address = app.server.address();
  return { url, port: typeof address === 'object' && address !== null ? address.port : port };
}
