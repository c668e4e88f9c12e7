import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { listenOrClose } from '@phonesafe/server-kit';

test('listenOrClose: answers the URL and the port it got; a port in use closes the app and says UNAVAILABLE naming the address', async (t) => {
  const first = Fastify();
  t.after(() => first.close());
  const { url, port } = await listenOrClose(first, '127.0.0.1', 0);
  assert.ok(port > 0);
  assert.equal(url, `http://127.0.0.1:${port}`);

  const second = Fastify();
  let closed = false;
  second.addHook('onClose', async () => {
    closed = true;
  });
  await assert.rejects(listenOrClose(second, '127.0.0.1', port), {
    code: 'UNAVAILABLE',
    message: new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
  });
  assert.ok(closed, 'what the app owns is released');
});
