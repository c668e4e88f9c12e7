/**
 * Issue 8 item 18 through the CLI: a center that accepts connections and
 * never answers makes `pc` verbs fail with NETWORK after the timeout set in
 * PHONESAFE_HTTP_TIMEOUT_SECONDS, instead of hanging; a bad value is a usage error.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { cliFails, OWNER_PASSWORD, ownerEnv, tempDir } from '@phonesafe/testkit';

async function silentCenter(t: TestContext): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

test(
  'pc backups against a silent center fails with NETWORK after the timeout; the login POST is sent once',
  { timeout: 60_000 },
  async (t) => {
    const root = await tempDir(t);
    const center = await silentCenter(t);
    const env = ownerEnv(root, OWNER_PASSWORD, { PHONESAFE_HTTP_TIMEOUT_SECONDS: '0.3' });
    const result = await cliFails(['pc', 'backups', '--center', center.url, '--owner', 'owner@example.org'], env, 6, 'NETWORK');
    assert.match(result.stderr, /no answer for 0\.3 s/);
    assert.equal(center.connections(), 1);
  },
);

test('a timeout setting that is not a positive number of seconds is a usage error', async (t) => {
  const root = await tempDir(t);
  const env = ownerEnv(root, 'pw', { PHONESAFE_HTTP_TIMEOUT_SECONDS: 'soon' });
  const result = await cliFails(['pc', 'backups', '--center', 'http://127.0.0.1:9', '--owner', 'owner@example.org'], env, 2, 'USAGE');
  assert.match(result.stderr, /PHONESAFE_HTTP_TIMEOUT_SECONDS/);
});
