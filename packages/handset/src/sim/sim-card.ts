/**
 * The virtual SIM card (sync.md "The virtual SIM"): a JSON file moved
 * between handset data directories. This module is the only one that reads
 * or writes it, as a real SIM keeps its secrets: callers get a view without
 * hashes, and the PIN and PUK are checked here, counting wrong tries on the
 * card itself (3 for the PIN, then the PUK; 10 for the PUK, then the card is
 * dead). Every change is written atomically under an exclusive lock file.
 */
import { randomInt } from 'node:crypto';
import { open, readFile, rename, rm, unlink, copyFile } from 'node:fs/promises';
import { PhoneSafeError } from '@phonesafe/protocol';
import { checkSecret, hashSecret } from '@phonesafe/protocol/node';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-file.ts';

const FORMAT = 'phonesafe-sim/1';
export const PIN_TRIES = 3;
export const PUK_TRIES = 10;

const Secret = z.object({ hash: z.string(), triesLeft: z.number().int().min(0) });
const SimFile = z.object({
  format: z.literal(FORMAT),
  subscriber: z.string(),
  iccid: z.string(),
  pin: Secret,
  puk: Secret,
  terminalIds: z.array(z.string()),
});
type SimFile = z.infer<typeof SimFile>;

/** What may be shown of a SIM: never a hash. */
export interface SimView {
  subscriber: string;
  iccid: string;
  terminalIds: string[];
  pinTriesLeft: number;
  pukTriesLeft: number;
  state: 'ready' | 'pin-blocked' | 'dead';
}

export const PinCode = z.string().regex(/^[0-9]{4,8}$/, 'a PIN is 4-8 digits');
export const PukCode = z.string().regex(/^[0-9]{8}$/, 'a PUK is 8 digits');

/** The provider issues a SIM: a new file (never over an existing one). Answers the view and the PUK (generated when not given). */
export async function createSim(
  file: string,
  input: { number: string; pin: string; puk?: string },
): Promise<{ view: SimView; puk: string }> {
  const puk = input.puk ?? String(randomInt(0, 100_000_000)).padStart(8, '0');
  const card: SimFile = {
    format: FORMAT,
    subscriber: input.number,
    iccid: `8981${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`,
    pin: { hash: await hashSecret(PinCode.parse(input.pin)), triesLeft: PIN_TRIES },
    puk: { hash: await hashSecret(PukCode.parse(puk)), triesLeft: PUK_TRIES },
    terminalIds: [],
  };
  const handle = await open(file, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new PhoneSafeError('USAGE', `${file} exists; a SIM is never written over another`);
    throw error;
  });
  try {
    await handle.writeFile(`${JSON.stringify(card, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  return { view: viewOf(card), puk };
}

export async function readSim(file: string): Promise<SimView> {
  return viewOf(await load(file));
}

/** The PIN, as at power-on ([0036]): a wrong one is counted on the card; the third blocks it. */
export async function verifyPin(file: string, pin: string): Promise<void> {
  await change(file, async (card) => {
    if (card.puk.triesLeft === 0) throw new PhoneSafeError('SYNC_SIM_DEAD');
    if (card.pin.triesLeft === 0) throw new PhoneSafeError('SYNC_SIM_BLOCKED');
    const right = await checkSecret(pin, card.pin.hash);
    const triesLeft = right ? PIN_TRIES : card.pin.triesLeft - 1;
    return { card: { ...card, pin: { ...card.pin, triesLeft } }, outcome: right ? undefined : wrong('SYNC_PIN_WRONG', triesLeft) };
  });
}

/** The PUK unblocks the PIN and sets a new one; 10 wrong PUKs kill the card. */
export async function unblockPin(file: string, puk: string, newPin: string): Promise<void> {
  const pinHash = await hashSecret(PinCode.parse(newPin));
  await change(file, async (card) => {
    if (card.puk.triesLeft === 0) throw new PhoneSafeError('SYNC_SIM_DEAD');
    const right = await checkSecret(puk, card.puk.hash);
    if (!right) {
      const triesLeft = card.puk.triesLeft - 1;
      return {
        card: { ...card, puk: { ...card.puk, triesLeft } },
        outcome: triesLeft === 0 ? new PhoneSafeError('SYNC_SIM_DEAD') : wrong('SYNC_PIN_WRONG', triesLeft, 'PUK'),
      };
    }
    return {
      card: { ...card, pin: { hash: pinHash, triesLeft: PIN_TRIES }, puk: { ...card.puk, triesLeft: PUK_TRIES } },
      outcome: undefined,
    };
  });
}

/** FIG 11-A S26a: the terminal ID written to the SIM (kept once). */
export async function addTerminalId(file: string, terminalId: string): Promise<void> {
  await change(file, async (card) => ({
    card: { ...card, terminalIds: card.terminalIds.includes(terminalId) ? card.terminalIds : [...card.terminalIds, terminalId] },
    outcome: undefined,
  }));
}

/** The card moves (into a handset's slot, or out of it): a rename, so it is in exactly one place. */
export async function moveSim(from: string, to: string): Promise<void> {
  await load(from);
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await unlink(from);
  }
}

function wrong(code: 'SYNC_PIN_WRONG', triesLeft: number, what = 'PIN'): PhoneSafeError {
  if (what === 'PIN' && triesLeft === 0)
    return new PhoneSafeError('SYNC_SIM_BLOCKED', 'wrong PIN; the PIN is now blocked (3 wrong tries): unblock it with the PUK');
  return new PhoneSafeError(code, `wrong ${what}; ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`, { triesLeft });
}

function viewOf(card: SimFile): SimView {
  const state = card.puk.triesLeft === 0 ? 'dead' : card.pin.triesLeft === 0 ? 'pin-blocked' : 'ready';
  return {
    subscriber: card.subscriber,
    iccid: card.iccid,
    terminalIds: [...card.terminalIds],
    pinTriesLeft: card.pin.triesLeft,
    pukTriesLeft: card.puk.triesLeft,
    state,
  };
}

async function load(file: string): Promise<SimFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PhoneSafeError('SYNC_SIM_FILE', `no SIM at ${file}`);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PhoneSafeError('SYNC_SIM_FILE', `${file} is not a virtual SIM`);
  }
  const parsed = SimFile.safeParse(value);
  if (!parsed.success) throw new PhoneSafeError('SYNC_SIM_FILE', `${file} is not a virtual SIM (${FORMAT})`);
  return parsed.data;
}

/** Read, change, write under `FILE.lock`; the change's outcome (an error to throw after the count is saved) comes back. */
async function change(file: string, fn: (card: SimFile) => Promise<{ card: SimFile; outcome: PhoneSafeError | undefined }>): Promise<void> {
  const lock = `${file}.lock`;
  const handle = await open(lock, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new PhoneSafeError('SYNC_SIM_IN_USE', `the SIM is being changed by another process (${lock})`);
    throw error;
  });
  try {
    const { card, outcome } = await fn(await load(file));
    await writeFileAtomic(file, `${JSON.stringify(card, null, 2)}\n`);
    if (outcome) throw outcome;
  } finally {
    await handle.close();
    await rm(lock, { force: true });
  }
}
