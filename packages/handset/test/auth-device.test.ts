/**
 * The authentication device (V12), with real keys and its real file:
 * it answers a challenge its pinned safe signed, and the safe can tell its
 * answer from another device's; a rogue safe's challenge, a challenge for
 * another device and a second key for a pinned safe are refused.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { answerVerifies, b64url, fromB64url, makeChallenge, safeIdOf, signingKeyFromSeed } from '@phonesafe/protocol/node';
import { tempDir } from '@phonesafe/testkit';
import { AuthDevice, createAuthDevice } from '../src/authdev/auth-device.ts';

const safeKey = signingKeyFromSeed(randomBytes(32));
const safeId = safeIdOf(safeKey.publicRaw);
const hash = randomBytes(32).toString('hex');

test('mutual: the device answers only its pinned safe, and the safe tells its answer from another device’s', async (t) => {
  const root = await tempDir(t, 'authdev');
  const dir = join(root, 'device');
  const view = await createAuthDevice(dir);
  assert.equal((await stat(join(dir, 'device.json'))).mode & 0o777, 0o600);
  await assert.rejects(createAuthDevice(dir), { code: 'USAGE' });
  const device = await AuthDevice.open(dir);
  await device.pinSafe(safeId, b64url(safeKey.publicRaw));
  assert.deepEqual((await AuthDevice.open(dir)).view().safes, [safeId], 'the pin is kept on the device');

  const challenge = makeChallenge(safeKey, { safe: safeId, serial: 7, hash, device: view.deviceId }, new Date());
  const answer = device.answer(safeId, challenge);
  assert.ok(answerVerifies(fromB64url(view.publicKey), challenge, answer), 'the registered device’s answer verifies');

  const other = await createAuthDevice(join(root, 'other'));
  const stranger = await AuthDevice.open(join(root, 'other'));
  await stranger.pinSafe(safeId, b64url(safeKey.publicRaw));
  const forOther = makeChallenge(safeKey, { safe: safeId, serial: 7, hash, device: other.deviceId }, new Date());
  assert.ok(!answerVerifies(fromB64url(view.publicKey), forOther, stranger.answer(safeId, forOther)), 'another device’s answer does not');
  assert.throws(() => device.answer(safeId, forOther), { code: 'SAFE_KEY_MISMATCH' }, 'a challenge for another device');

  const rogue = signingKeyFromSeed(randomBytes(32));
  const forged = makeChallenge(rogue, { safe: safeId, serial: 7, hash, device: view.deviceId }, new Date());
  assert.throws(() => device.answer(safeId, forged), { code: 'SAFE_KEY_MISMATCH' }, 'a rogue safe is refused');
  assert.throws(() => device.answer(safeIdOf(rogue.publicRaw), forged), { code: 'SAFE_KEY_MISMATCH' }, 'an unknown safe too');
  await assert.rejects(device.pinSafe(safeId, b64url(rogue.publicRaw)), { code: 'SAFE_KEY_MISMATCH' });
});
