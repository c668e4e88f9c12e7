/**
 * Issue 8 item 15: KDF parameters are bounded to what a phone can afford
 * (encryption.md), at both ends. A hostile or broken center must not make a
 * client allocate gigabytes by answering a prelogin with absurd parameters.
 * The bounds themselves are tested in kdf.unit.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';

const salt = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const kdf = (cost: { N: number; r: number; p: number }, saltBytes = 16) => ({
  algorithm: 'scrypt' as const,
  salt: salt(saltBytes),
  ...cost,
});

test('a client refuses a prelogin answer with parameters out of bounds, and never logs in with them', async (t) => {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    req.resume();
    // Weak rather than huge, so that a client without the bounds would derive quickly and go on to log in.
    const body = req.url === '/v1/owners/prelogin' ? { kdf: kdf({ N: 1024, r: 1, p: 1 }) } : { error: 'unexpected' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = new CenterClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  t.after(() => client.close());
  await assert.rejects(loginOwner(client, 'owner@example.org', 'password'), (e) => e instanceof PhoneSafeError && e.code === 'BAD_REQUEST');
  assert.deepEqual(calls, ['POST /v1/owners/prelogin']);
});
