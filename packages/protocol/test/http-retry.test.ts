import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PhoneSafeError } from '@phonesafe/protocol';
import { Http } from '@phonesafe/protocol/node';

/** A real server whose first `failures` requests lose their connection before any answer. */
async function flakyServer(failures: number): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen++;
    if (seen <= failures) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('an idempotent request whose connection drops before the answer is sent again', async (t) => {
  const server = await flakyServer(2);
  t.after(() => server.close());
  const http = new Http({ baseUrl: server.url });
  t.after(() => http.close());
  const res = await http.raw({ method: 'PUT', path: '/v1/parts/x', body: Buffer.from('sealed') });
  assert.equal(res.status, 200);
  assert.equal(server.requests(), 3);
});

test('a POST is not repeated, and a connection that keeps failing ends in NETWORK', async (t) => {
  const server = await flakyServer(10);
  t.after(() => server.close());
  const http = new Http({ baseUrl: server.url });
  t.after(() => http.close());
  const isNetwork = (e: unknown) => e instanceof PhoneSafeError && e.code === 'NETWORK' && e.retryable;
  await assert.rejects(http.raw({ method: 'POST', path: '/v1/backups', json: {} }), isNetwork);
  assert.equal(server.requests(), 1, 'the POST went once');
  await assert.rejects(http.raw({ method: 'GET', path: '/v1/backups' }), isNetwork);
  assert.equal(server.requests(), 1 + 4, 'the GET went once and was repeated three times');
});
