/** startCenter: real sockets, port 0, HTTPS, start-up housekeeping, clean shutdown. */
import assert from 'node:assert/strict';
import { stat, mkdir, mkdtemp, readdir, rm, utimes, writeFile, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startCenter } from '../src/server.ts';

// A self-signed certificate for 127.0.0.1 made for these tests only (valid until 2125).
const TLS_CERT = join(import.meta.dirname, 'fixtures', 'test-tls-cert.pem');
const TLS_KEY = join(import.meta.dirname, 'fixtures', 'test-tls-key.pem');
const quiet = () => createLogger({ logLevel: 'silent' });

describe('startCenter', () => {
  let data: string;
  before(async () => {
    data = await mkdtemp(join(tmpdir(), 'phonesafe-server-'));
  });
  after(() => rm(data, { recursive: true, force: true }));

  it("listens on a free port when asked for port 0, cleans old temporary blobs (not another live center's), and closes", async () => {
    await mkdir(join(data, 'blobs', 'tmp'), { recursive: true });
    await writeFile(join(data, 'blobs', 'tmp', 'left-by-a-crash'), 'partial');
    const anHourAgo = new Date(Date.now() - 3600_000);
    await utimes(join(data, 'blobs', 'tmp', 'left-by-a-crash'), anHourAgo, anHourAgo);
    // Another center on the same blob directory is writing this one right now.
    await writeFile(join(data, 'blobs', 'tmp', 'in-flight'), 'partial');
    const center = await startCenter(loadConfig({ data, port: 0 }, {}), { clock: new ManualClock(), logger: quiet() });
    try {
      assert.match(center.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(center.port > 0);
      assert.equal(center.url, `http://127.0.0.1:${center.port}`);
      const res = await fetch(`${center.url}/v1/health`);
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
      assert.deepEqual(await readdir(join(data, 'blobs', 'tmp')), ['in-flight']);
    } finally {
      await center.close();
    }
    await assert.rejects(fetch(`${center.url}/v1/health`));
  });

  it('keeps one center secret in the data directory, so fake prelogin answers survive a restart', async () => {
    const prelogin = async () => {
      const center = await startCenter(loadConfig({ data, port: 0 }, {}), { logger: quiet() });
      try {
        const res = await fetch(`${center.url}/v1/owners/prelogin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@example.org' }),
        });
        return res.json();
      } finally {
        await center.close();
      }
    };
    assert.deepEqual(await prelogin(), await prelogin());
    const file = await stat(join(data, 'center-secret'));
    assert.equal(file.mode & 0o777, 0o600);
  });

  it('serves HTTPS when given a certificate and key', async () => {
    const center = await startCenter(loadConfig({ data, port: 0, tlsCert: TLS_CERT, tlsKey: TLS_KEY }, {}), { logger: quiet() });
    try {
      assert.match(center.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = await readFile(TLS_CERT);
      const body = await new Promise<string>((resolve, reject) => {
        request(`${center.url}/v1/health`, { ca }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      assert.equal(JSON.parse(body).status, 'ok');
    } finally {
      await center.close();
    }
  });

  it('refuses an unreadable certificate with USAGE', async () => {
    const config = loadConfig({ data, port: 0, tlsCert: join(data, 'missing.pem'), tlsKey: TLS_KEY }, {});
    await assert.rejects(startCenter(config, { logger: quiet() }), { code: 'USAGE' });
  });
});
