/**
 * Issue 8 item 18: a center that accepts a connection and then says nothing
 * (or half of its answer) no longer hangs the client: the inactivity timeout
 * fails the request with NETWORK, retried for idempotent methods only; a TLS
 * handshake that never completes ends at the connect timeout.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PhoneSafeError } from '@phonesafe/protocol';
import { Http } from '@phonesafe/protocol/node';
import { z } from 'zod';

type Behaviour = 'silent' | 'half-headers' | 'half-body';

/** A TCP server on loopback that reads requests and answers as `behaviour` says, then stalls; counts connections. */
async function stallingServer(t: TestContext, behaviour: Behaviour): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      if (behaviour === 'half-headers') socket.write('HTTP/1.1 200 OK\r\nContent-Type: appl');
      if (behaviour === 'half-body')
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"backups":');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

const timedOut = (pattern: RegExp) => (e: unknown) =>
  e instanceof PhoneSafeError && e.code === 'NETWORK' && e.retryable && pattern.test(e.detail);

for (const behaviour of ['silent', 'half-headers', 'half-body'] as const) {
  test(`a ${behaviour} center: a GET times out and is sent four times in all, a POST once`, async (t) => {
    const server = await stallingServer(t, behaviour);
    const http = new Http({ baseUrl: server.url, timeouts: { idleMs: 100 } });
    t.after(() => http.close());
    await assert.rejects(http.json(z.unknown(), { method: 'GET', path: '/v1/backups' }), timedOut(/no answer for 0\.1 s/));
    assert.equal(server.connections(), 4, 'the GET went once and was repeated three times, each on a new connection');
    await assert.rejects(
      http.raw({ method: 'POST', path: '/v1/owners/prelogin', json: { email: 'a@example.org' } }),
      timedOut(/no answer/),
    );
    assert.equal(server.connections(), 5, 'the POST went once');
  });
}

test('a TLS handshake that never completes ends at the connect timeout, not the inactivity one', async (t) => {
  const server = await stallingServer(t, 'silent');
  const http = new Http({ baseUrl: server.url.replace('http:', 'https:'), timeouts: { connectMs: 100, idleMs: 60_000 } });
  t.after(() => http.close());
  await assert.rejects(http.raw({ method: 'POST', path: '/v1/owners/prelogin', json: {} }), timedOut(/could not connect within 0\.1 s/));
  assert.equal(server.connections(), 1);
});

test('the timeouts carry over to a client with another credential', async (t) => {
  const server = await stallingServer(t, 'silent');
  const http = new Http({ baseUrl: server.url, timeouts: { idleMs: 100 } }).withBearer('o1.token.secret');
  t.after(() => http.close());
  await assert.rejects(http.raw({ method: 'POST', path: '/v1/backups', json: {} }), timedOut(/no answer for 0\.1 s/));
});
