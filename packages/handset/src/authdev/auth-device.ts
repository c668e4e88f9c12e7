/**
 * The authentication device (V12, docs/design/safes.md "Authentication
 * device"): a small separate device holding an Ed25519 key pair and the keys
 * of the safes it has been shown, in one file `DIR/device.json` (folder 0700,
 * file 0600). This module is the only one that reads or writes it, as a real
 * token keeps its key: callers get the public view and answers, never the
 * seed. The device checks the safe before it answers: a challenge must verify
 * under the key it pinned for that safe (mutual authentication); it never
 * relies on the handset's word for a safe's key after the first time.
 * Every change is written atomically.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import {
  answerChallenge,
  b64url,
  checkChallenge,
  deviceIdOf,
  fromB64url,
  signingKeyFromSeed,
  type SigningKey,
} from '@phonesafe/protocol/node';
import type { DeviceChallenge } from '@phonesafe/protocol';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-file.ts';

const FORMAT = 'phonesafe-authdev/1';
const DeviceFile = z.strictObject({
  format: z.literal(FORMAT),
  seed: z.string(),
  /** safe id → its signing key (b64url), pinned the first time the device was shown that safe. */
  safes: z.record(z.string(), z.string()),
});
type DeviceFile = z.infer<typeof DeviceFile>;

export interface DeviceView {
  deviceId: string;
  /** The device's public key (b64url), registered with a value at a safe. */
  publicKey: string;
  safes: string[];
}

const fileOf = (dir: string) => join(dir, 'device.json');

/** Makes a new device in `dir` (never over an existing one). */
export async function createAuthDevice(dir: string): Promise<DeviceView> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file: DeviceFile = { format: FORMAT, seed: b64url(randomBytes(32)), safes: {} };
  const handle = await open(fileOf(dir), 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new PhoneSafeError('USAGE', `${dir} already holds an authentication device`);
    throw error;
  });
  try {
    await handle.writeFile(JSON.stringify(file));
  } finally {
    await handle.close();
  }
  return (await AuthDevice.open(dir)).view();
}

export class AuthDevice {
  readonly #dir: string;
  readonly #file: DeviceFile;
  readonly #key: SigningKey;

  private constructor(dir: string, file: DeviceFile) {
    this.#dir = dir;
    this.#file = file;
    this.#key = signingKeyFromSeed(fromB64url(file.seed));
  }

  static async open(dir: string): Promise<AuthDevice> {
    const text = await readFile(fileOf(dir), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new PhoneSafeError('USAGE', `${dir} holds no authentication device: make one with authdev create`);
      throw error;
    });
    const parsed = DeviceFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new PhoneSafeError('USAGE', `${fileOf(dir)} is not an authentication device`);
    return new AuthDevice(dir, parsed.data);
  }

  view(): DeviceView {
    const publicKey = this.#key.publicRaw;
    return { deviceId: deviceIdOf(publicKey), publicKey: b64url(publicKey), safes: Object.keys(this.#file.safes).sort() };
  }

  /** Pins a safe's signing key on first sight; a different key for a pinned safe is SAFE_KEY_MISMATCH. Idempotent. */
  async pinSafe(safeId: string, signPub: string): Promise<void> {
    const pinned = this.#file.safes[safeId];
    if (pinned === signPub) return;
    if (pinned !== undefined) throw new PhoneSafeError('SAFE_KEY_MISMATCH', `the device pinned another key for the safe ${safeId}`);
    this.#file.safes[safeId] = signPub;
    await writeFileAtomic(fileOf(this.#dir), JSON.stringify(this.#file));
  }

  /**
   * The device's answer to a safe's challenge, given only when the challenge verifies under the key this
   * device pinned for `safeId`, names that safe and names this device; SAFE_KEY_MISMATCH otherwise (a rogue safe).
   */
  answer(safeId: string, challenge: DeviceChallenge): string {
    const pinned = this.#file.safes[safeId];
    if (pinned === undefined) throw new PhoneSafeError('SAFE_KEY_MISMATCH', `the device was never shown the safe ${safeId}`);
    const body = checkChallenge(fromB64url(pinned), challenge);
    if (body.safe !== safeId || body.device !== this.view().deviceId) {
      throw new PhoneSafeError('SAFE_KEY_MISMATCH', 'the challenge names another safe or another device');
    }
    return answerChallenge(this.#key, challenge);
  }
}
