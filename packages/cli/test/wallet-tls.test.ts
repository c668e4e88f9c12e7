/**
 * A safe over HTTPS (V11) with real processes: the safe serves a self-signed
 * certificate made in the test with the openssl command; the card refuses it
 * until the owner pins it with `handset safe add --ca`, then registers and
 * recovers over https; another certificate at the same address is refused
 * with a clear error and the value's certificate stays on the card.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cliFails, cliJson, sqliteRows, startSafe, tempDir, type Env } from '@phonesafe/testkit';

const ENV: Env = { PHONESAFE_WALLET_SCRYPT_N: '1024' };

/** A fresh self-signed P-256 certificate for 127.0.0.1: its PEM files. */
async function selfSigned(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  await promisify(execFile)('openssl', [
    ...args,
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { cert, key };
}

test(
  "the card trusts a safe's self-signed certificate only when pinned with --ca; deposit and recovery over https; another certificate is refused",
  { timeout: 120_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet-tls');
    const right = await selfSigned(root, 'right');
    const wrong = await selfSigned(root, 'wrong');
    const tls = (pair: { cert: string; key: string }) => ({ PHONESAFE_SAFE_TLS_CERT: pair.cert, PHONESAFE_SAFE_TLS_KEY: pair.key });
    let safe = await startSafe(t, join(root, 'safe'), { env: tls(right) });
    assert.match(safe.url, /^https:\/\//);
    const phone = join(root, 'phone');
    const add = ['handset', 'safe', 'add', '--data', phone, safe.url, '--fingerprint', safe.fingerprint];
    const untrusted = await cliFails(add, ENV, 6, 'NETWORK');
    assert.match(untrusted.stderr, /cannot reach the safe at https:.*pin its CA with `handset safe add URL --ca FILE`/);
    await cliJson([...add, '--ca', right.cert], ENV);

    const value = await cliJson<{ pointer: number }>(
      ['handset', 'wallet', 'add', '--data', phone, '--class', 'prepaid', '--name', 'E'],
      ENV,
    );
    const { deposited } = await cliJson<{ deposited: Array<{ certificate: number }> }>(
      ['handset', 'wallet', 'deposit', '--data', phone, '--safe', safe.url, String(value.pointer)],
      ENV,
    );
    const cert = String(deposited[0]!.certificate);
    const cardValues = () => sqliteRows(join(phone, 'card', 'card.db'), 'SELECT pointer FROM card_values');
    assert.deepEqual(cardValues(), []);

    // Another certificate now answers at the pinned address: refused before anything is sent.
    await safe.stop();
    safe = await startSafe(t, safe.data, { port: safe.port, env: tls(wrong) });
    const refused = await cliFails(['handset', 'wallet', 'recover', '--data', phone, cert], ENV, 6, 'NETWORK');
    assert.match(refused.stderr, /the safe's certificate is not signed by the CA pinned for it/);
    assert.deepEqual(cardValues(), []);
    const [row] = sqliteRows<{ state: string }>(join(safe.data, 'safe.db'), 'SELECT state FROM deposits');
    assert.equal(row!.state, 'deposited', 'nothing reached the safe');

    await safe.stop();
    safe = await startSafe(t, safe.data, { port: safe.port, env: tls(right) });
    const { recovered } = await cliJson<{ recovered: Array<{ state: string }> }>(
      ['handset', 'wallet', 'recover', '--data', phone, cert],
      ENV,
    );
    assert.equal(recovered[0]!.state, 'released');
    assert.equal(cardValues().length, 1, 'the value is back over https');
  },
);
