/**
 * Faults around a registration (issue 14): the safe commits a deposit and
 * is killed before its answer reaches the card. The card has not freed the
 * value; after the safe restarts, depositing the same entry again yields one
 * deposit and one certificate. Also: the card's contents never travel in a
 * center backup.
 */
import { strict as assert } from 'node:assert';
import { createServer, connect, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  cliFails,
  cliJson,
  handsetTree,
  listFiles,
  ownerEnv,
  sqliteRows,
  startCenter,
  startSafe,
  tempDir,
  writeTree,
  type Env,
} from '@phonesafe/testkit';

const ENV: Env = { PHONESAFE_WALLET_SCRYPT_N: '1024' };

/** A loopback TCP proxy; while `drop` is set, the answer to a deposit is swallowed and the card's connection reset ("committed, not answered"). */
async function proxy(t: TestContext, upstreamPort: () => number): Promise<{ url: string; drop: boolean }> {
  const state = { url: '', drop: false };
  const server = createServer((client: Socket) => {
    const upstream = connect(upstreamPort(), '127.0.0.1');
    let deposit = false;
    client.on('data', (chunk: Buffer) => {
      if (chunk.toString('latin1').startsWith('POST /v1/deposits ')) deposit = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (state.drop && deposit) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('end', () => b.end());
      a.on('error', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return state;
}

test(
  'a safe killed after committing a deposit but before answering: the card keeps the value, the retry gives one deposit and one certificate',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet-faults');
    let safe = await startSafe(t, join(root, 'vs'));
    const port = safe.port;
    const via = await proxy(t, () => port);
    const phone = join(root, 'phone');
    await cliJson(['handset', 'safe', 'add', '--data', phone, via.url, '--fingerprint', safe.fingerprint], ENV);
    const { pointer } = await cliJson<{ pointer: number }>(
      ['handset', 'wallet', 'add', '--data', phone, '--class', 'e-money', '--name', 'wallet', '--remaining', '5000'],
      ENV,
    );
    via.drop = true;
    await cliFails(['handset', 'wallet', 'deposit', '--data', phone, '--safe', via.url, String(pointer)], ENV, 6, 'NETWORK');
    await safe.kill();
    const rows = () => sqliteRows<{ serial: number }>(join(root, 'vs', 'safe.db'), 'SELECT serial FROM deposits');
    assert.equal(rows().length, 1, 'the safe had committed the deposit');
    const values = await cliJson<{ entries: Array<{ sign: string; pointer: number }> }>(
      ['handset', 'wallet', 'list', '--data', phone],
      ENV,
    );
    assert.deepEqual(
      values.entries.map((e) => [e.pointer, e.sign]),
      [[pointer, 'A']],
      'the card has not freed the value',
    );

    safe = await startSafe(t, join(root, 'vs'), { port });
    via.drop = false;
    const retry = await cliJson<{ deposited: Array<{ serial: number }> }>(
      ['handset', 'wallet', 'deposit', '--data', phone, '--safe', via.url, String(pointer)],
      ENV,
    );
    assert.deepEqual(
      retry.deposited.map((d) => d.serial),
      [1],
      'the same certificate',
    );
    assert.equal(rows().length, 1, 'one deposit');
    const after = await cliJson<{ entries: Array<{ sign: string }> }>(['handset', 'wallet', 'list', '--data', phone], ENV);
    assert.deepEqual(
      after.entries.map((e) => e.sign),
      ['B'],
    );
  },
);

test('a center backup of the handset never holds the card', { timeout: 120_000 }, async (t) => {
  const root = await tempDir(t, 'wallet-backup');
  const center = await startCenter(t, join(root, 'center'));
  const owner = ownerEnv(join(root, 'owner'), undefined, { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: 'owner@example.org', ...ENV });
  const phone = join(root, 'phone');
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', 'owner@example.org', '--name', 'phone', '--data', phone], owner);
  const src = join(root, 'src');
  await writeTree(src, handsetTree());
  await cliJson(['handset', 'import', '--data', phone, src], owner);
  const marker = 'CardOnlyMarker9731';
  await cliJson(['handset', 'wallet', 'add', '--data', phone, '--class', 'prepaid', '--name', marker, '--remaining', '800'], owner);
  const backup = await cliJson<{ backupId: string }>(['handset', 'backup', '--data', phone], owner);
  const listed = await cliJson<{ backups: Array<{ files: Array<{ path: string }> }> }>(['pc', 'backups'], owner);
  const paths = listed.backups.flatMap((b) => b.files.map((f) => f.path));
  assert.ok(paths.length > 0);
  assert.ok(
    paths.every((p) => !p.includes('card') && !p.includes(marker)),
    paths.join(', '),
  );
  const out = join(root, 'download');
  await cliJson(['pc', 'download', '--backup', backup.backupId, '--out', out], owner);
  for (const file of await listFiles(out)) assert.equal((await readFile(file)).indexOf(marker), -1, `${file} holds the card's value`);
});
