/**
 * The authentication device (V12) end to end with real processes: a value
 * deposited at a SQLite safe with a device is refused without the device
 * (each try counted at the safe, the tries left shown) and with another device
 * (by the card, before anything is sent), recovered byte for byte with the
 * right one, which resets the count; a rogue safe at the pinned address (a
 * fresh one restarted on the same port) is refused before anything is signed
 * and the value stays deposited.
 */
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFails, cliJson, sqliteRows, startSafe, tempDir, type Env } from '@phonesafe/testkit';

const ENV: Env = { PHONESAFE_WALLET_SCRYPT_N: '1024' };
const MARKER = 'AUTHDEV-VALUE-MARKER-51c9';

interface DeviceView {
  deviceId: string;
  publicKey: string;
  safes: string[];
}

test('authentication device (V12): no device refused and counted, another device refused, a rogue safe gets nothing signed, the right device recovers', async (t) => {
  const root = await tempDir(t, 'authdev');
  const safeEnv = { PHONESAFE_SAFE_MAX_TRIES: '5' };
  let safe = await startSafe(t, join(root, 'safe'), { env: safeEnv });
  const phone = join(root, 'phone');
  const [mine, other] = [join(root, 'mine'), join(root, 'other')];
  await cliJson(['handset', 'safe', 'add', '--data', phone, safe.url, '--fingerprint', safe.fingerprint], ENV);
  const device = await cliJson<DeviceView>(['handset', 'authdev', 'create', '--authdev', mine], ENV);
  await cliJson(['handset', 'authdev', 'create', '--authdev', other], ENV);
  await cliFails(['handset', 'authdev', 'create', '--authdev', mine], ENV, 2, 'USAGE');

  const file = join(root, 'key.json');
  const bytes = Buffer.from(JSON.stringify({ class: 'key', name: MARKER, semantics: 'bearer', remarks: 'kept byte for byte' }, null, 2));
  await writeFile(file, bytes);
  const value = await cliJson<{ pointer: number }>(['handset', 'wallet', 'add', '--data', phone, '--file', file], ENV);
  const deposited = await cliJson<{ deposited: Array<{ certificate: number; safeId: string }> }>(
    ['handset', 'wallet', 'deposit', '--data', phone, '--safe', safe.url, '--authdev', mine, String(value.pointer)],
    ENV,
  );
  const { certificate, safeId } = deposited.deposited[0]!;
  const shown = await cliJson<DeviceView>(['handset', 'authdev', 'show', '--authdev', mine], ENV);
  assert.deepEqual(shown, { ...device, safes: [safeId] }, 'the device pinned the safe at the deposit');
  const cardDb = join(phone, 'card', 'card.db');
  assert.deepEqual(
    sqliteRows<{ device: string }>(cardDb, 'SELECT device FROM card_certificates').map((r) => r.device),
    [device.publicKey],
    'the card remembers the certificate needs the device',
  );
  assert.ok(!(await readFile(join(safe.data, 'safe.db'))).includes(MARKER), 'the safe holds ciphertext only');

  const recover = ['handset', 'wallet', 'recover', '--data', phone, String(certificate)];
  const tries = () => sqliteRows<{ left: number }>(join(safe.data, 'safe.db'), 'SELECT device_tries_left AS left FROM deposits')[0]!.left;
  const without = await cliFails(recover, ENV, 3, 'SAFE_DEVICE_MISMATCH');
  assert.match(without.stderr, /4 tries left .*--authdev/);
  assert.equal(tries(), 4, 'counted at the safe');
  const again = await cliFails(recover, ENV, 3, 'SAFE_DEVICE_MISMATCH');
  assert.match(again.stderr, /3 tries left/);
  // Another device is refused by the card before the safe is asked: that device would not sign a challenge for another.
  const wrong = await cliFails([...recover, '--authdev', other], ENV, 3, 'SAFE_DEVICE_MISMATCH');
  assert.match(wrong.stderr, new RegExp(`deposited with the authentication device ${device.deviceId}, not this one`));
  assert.equal(tries(), 3, 'not counted: nothing was sent');
  assert.deepEqual((await cliJson<DeviceView>(['handset', 'authdev', 'show', '--authdev', other], ENV)).safes, [], 'nor pinned on it');

  // A rogue safe answers at the pinned address: refused before the device is asked to sign anything.
  const deviceFile = await readFile(join(mine, 'device.json'));
  await safe.stop();
  const rogue = await startSafe(t, join(root, 'rogue'), { port: safe.port });
  await cliFails([...recover, '--authdev', mine], ENV, 3, 'SAFE_KEY_MISMATCH');
  assert.deepEqual(await readFile(join(mine, 'device.json')), deviceFile, 'the device unchanged: nothing pinned, nothing signed');
  assert.equal(sqliteRows(join(rogue.data, 'safe.db'), 'SELECT serial FROM deposits').length, 0, 'the rogue safe was sent nothing');
  await rogue.stop();

  safe = await startSafe(t, join(root, 'safe'), { port: safe.port, env: safeEnv });
  const recovered = await cliJson<{ recovered: Array<{ value: number; state: string }> }>([...recover, '--authdev', mine], ENV);
  assert.equal(recovered.recovered[0]!.state, 'released', 'the safe dropped its copy');
  const values = sqliteRows<{ bytes: Uint8Array }>(cardDb, 'SELECT bytes FROM card_values');
  assert.deepEqual(
    values.map((v) => Buffer.from(v.bytes)),
    [bytes],
    'recovered byte for byte',
  );
  assert.equal(tries(), 5, 'the right answer reset the count');
});
