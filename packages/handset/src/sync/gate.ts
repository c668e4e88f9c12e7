/**
 * The handset's side of S3 (sync.md "Binding"): before anything is sent,
 * the SIM in the reader must be bound to this terminal by the terminal's
 * bind mode, and the secrets that mode asks for must be right. A refusal
 * sends nothing to the center (S17, S35, S47).
 */
import { PhoneSafeError } from '@phonesafe/protocol';
import { checkSecret } from '@phonesafe/protocol/node';
import { readSim, verifyPin, type SimView } from '../sim/sim-card.ts';
import type { SyncRecords, TerminalRecord } from './sync-records.ts';

/** Wrong terminal passwords in a row before it is locked (until `handset password set`). */
export const TERMINAL_PASSWORD_TRIES = 10;

export interface SyncSecrets {
  /** The terminal password, when the user gave it for this sync. */
  password?: string | undefined;
  /** The PIN, when the user gave it for this sync. */
  pin?: string | undefined;
}

export interface Cleared {
  sim: SimView;
  terminal: TerminalRecord;
}

/** The SIM in the reader, or SYNC_NO_SIM. */
export async function insertedSim(records: SyncRecords, simFile: string): Promise<SimView> {
  if (!records.slot()) throw new PhoneSafeError('SYNC_NO_SIM', 'insert a SIM first (handset sim insert)');
  return readSim(simFile);
}

/** FIG 10-B, 11-B, 12 and 9 by the terminal's bind mode; throws before anything reaches the center. */
export async function clearToSync(records: SyncRecords, simFile: string, secrets: SyncSecrets): Promise<Cleared> {
  const sim = await insertedSim(records, simFile);
  const terminal = records.terminal();
  if (terminal.bindMode === 'terminal' && !records.isBound(sim.subscriber)) throw notBound();
  if (terminal.bindMode === 'sim' && !sim.terminalIds.includes(terminal.terminalId)) throw notBound();
  if (terminal.bindMode === 'every-sync') {
    if (secrets.pin === undefined)
      throw new PhoneSafeError('SYNC_PIN_WRONG', 'this terminal asks for the PIN at every sync (PHONESAFE_PIN)');
    await verifyPin(simFile, secrets.pin);
  }
  if (terminal.bindMode === 'every-sync' || terminal.passwordEachSync) await checkTerminalPassword(records, secrets.password);
  return { sim, terminal };
}

/** FIG 8 S3-S4: the terminal password the owner set; counted, 10 wrong in a row lock it until it is set again. */
export async function checkTerminalPassword(records: SyncRecords, password: string | undefined): Promise<void> {
  const { passwordHash } = records.terminal();
  if (passwordHash === null)
    throw new PhoneSafeError('SYNC_TERMINAL_PASSWORD_WRONG', 'this terminal has no terminal password yet (handset password set)');
  if (records.passwordFailures() >= TERMINAL_PASSWORD_TRIES)
    throw new PhoneSafeError(
      'SYNC_TERMINAL_PASSWORD_WRONG',
      'the terminal password is locked after 10 wrong tries; set it again (handset password set)',
    );
  if (password === undefined)
    throw new PhoneSafeError('SYNC_TERMINAL_PASSWORD_WRONG', 'the terminal password is asked (PHONESAFE_TERMINAL_PASSWORD)');
  if (await checkSecret(password, passwordHash)) return records.passwordRight();
  const failures = records.passwordFailed();
  throw new PhoneSafeError(
    'SYNC_TERMINAL_PASSWORD_WRONG',
    `wrong terminal password; ${Math.max(0, TERMINAL_PASSWORD_TRIES - failures)} tries left`,
  );
}

function notBound(): PhoneSafeError {
  return new PhoneSafeError(
    'SYNC_SIM_NOT_BOUND',
    'the SIM is mounted on an unexpected terminal: this handset is not bound to it; nothing was sent',
  );
}
