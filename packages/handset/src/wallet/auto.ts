/**
 * The wallet acting on its own (V13, V14, V16; docs/design/safes.md
 * "Automatic backup and recovery triggers"): each evaluation (`tick`) reads
 * the device and the card, asks triggers.ts what is due, stores the new edge
 * memory *before* acting — so an edge gives at most one run, and a failed run
 * is reported, not retried until the next edge — then backs up the values the
 * conditions select to the configured safe and recovers the certificates the
 * owner marked (or that become valid tomorrow). A recovery that does not fit
 * is suspended and reported (SAFE_CARD_FULL; the marks stay for the next edge).
 */
import { PhoneSafeError, type Clock, type ErrorCode } from '@phonesafe/protocol';
import { failureOf } from '../util/failure.ts';
import type { DeviceState } from '../device/device-state.ts';
import type { AutoSettings } from './auto-settings.ts';
import type { AutoStore } from './auto-store.ts';
import { due, type BackupReason, type RecoveryReason } from './triggers.ts';
import type { Wallet, WalletEntry } from './wallet.ts';

export type WalletBackupReason = BackupReason | 'request';
export type WalletRecoveryReason = RecoveryReason | 'valid-tomorrow';

export type WalletEvent =
  | { event: 'wallet-backup'; reasons: WalletBackupReason[]; deposited: number[]; certificates: number[] }
  | { event: 'wallet-recovered'; reasons: WalletRecoveryReason[]; certificates: number[]; values: number[] }
  | { event: 'wallet-failed'; step: 'backup' | 'recovery'; reasons: string[]; code: ErrorCode; detail: string };

type BackupEvent = Extract<WalletEvent, { event: 'wallet-backup' }>;

export class WalletAuto {
  readonly #wallet: Wallet;
  readonly #device: () => Pick<DeviceState, 'signal' | 'battery'>;
  readonly #clock: Clock;

  constructor(wallet: Wallet, device: () => Pick<DeviceState, 'signal' | 'battery'>, clock: Clock) {
    this.#wallet = wallet;
    this.#device = device;
    this.#clock = clock;
  }

  settings = async (): Promise<AutoSettings> => (await this.#wallet.autoStore()).settings();
  set = async (key: string, value: string): Promise<AutoSettings> => (await this.#wallet.autoStore()).set(key, value);

  /** One evaluation of the triggers; the events of what it did (none when nothing was due). */
  async tick(): Promise<WalletEvent[]> {
    const store: AutoStore = await this.#wallet.autoStore();
    const { signal, battery } = this.#device();
    const { free } = await this.#wallet.status();
    const rows = await this.#wallet.certificateRows();
    const held = rows.map((c) => ({ pointer: c.pointer, validFrom: c.valid_from, validTo: c.valid_to }));
    const decision = due(store.settings(), store.memory(), { at: this.#clock.now().toISOString(), signal, battery, free }, held);
    // The memory is stored before acting: one edge, at most one run (a failure waits for the next edge).
    store.setMemory(decision.memory);
    const events: WalletEvent[] = [];
    if (decision.backup.length > 0) {
      const done = await this.#attempt('backup', decision.backup, () => this.backup(decision.backup));
      // A trigger that found nothing to back up did nothing: no event.
      if (done.event !== 'wallet-backup' || done.deposited.length > 0) events.push(done);
    }
    const marked = decision.recover.length > 0 ? rows.filter((c) => c.recall === 1).map((c) => c.pointer) : [];
    const certificates = [...new Set([...marked, ...decision.validTomorrow])];
    if (certificates.length > 0) {
      const reasons: WalletRecoveryReason[] = [
        ...decision.recover,
        ...(decision.validTomorrow.length > 0 ? ['valid-tomorrow' as const] : []),
      ];
      events.push(await this.#attempt('recovery', reasons, () => this.#recover(reasons, certificates)));
    }
    return events;
  }

  /** The automatic backup now (on request, or for a trigger): the selected values to the configured safe, coupled per setting. */
  async backup(reasons: WalletBackupReason[]): Promise<BackupEvent> {
    const { backup } = await this.settings();
    if (backup.safe === null)
      throw new PhoneSafeError('USAGE', 'no safe for automatic backups: set backup.safe (handset wallet auto --set backup.safe=URL)');
    if (backup.where.length === 0)
      throw new PhoneSafeError('USAGE', 'no backup conditions: set backup.where (handset wallet auto --set backup.where=COND)');
    const chosen = new Set(await this.#wallet.selected(backup.where));
    const values = (await this.#wallet.list({ sign: 'A' })).filter((e) => chosen.has(e.pointer));
    const done = { event: 'wallet-backup' as const, reasons, deposited: [] as number[], certificates: [] as number[] };
    // A coupled registration holds one semantics; bearer and secret values go as two.
    for (const semantics of ['bearer', 'secret']) {
      const group = values.filter((e) => e.semantics === semantics).map((e) => e.pointer);
      if (group.length === 0) continue;
      const couple = backup.couple === 'none' || group.length === 1 ? undefined : backup.couple;
      for (const d of await this.#wallet.deposit(group, backup.safe, undefined, couple)) {
        done.deposited.push(...d.values);
        done.certificates.push(d.certificate);
      }
    }
    return done;
  }

  /** Adds a value; when it does not fit, the shortage policy (V14) decides: suspend, back up by the conditions first, or the user chooses. */
  async add(bytes: Uint8Array): Promise<{ entry: WalletEntry; backup?: BackupEvent }> {
    try {
      return { entry: await this.#wallet.add(bytes) };
    } catch (error) {
      if (!(error instanceof PhoneSafeError) || error.code !== 'SAFE_CARD_FULL') throw error;
      const { shortage } = await this.settings();
      if (shortage === 'backup-then-continue') {
        const backup = await this.backup(['shortage']);
        return { entry: await this.#wallet.add(bytes), backup };
      }
      const values = (await this.#wallet.list({ sign: 'A' })).map((e) => `${e.pointer} (${e.title}, ${e.size} B)`);
      const hint =
        shortage === 'manual'
          ? `choose values to back up (handset wallet deposit --safe URL ENTRY…), then add again; on the card: ${values.join(', ') || 'no values'}`
          : 'the add is suspended and nothing changed';
      throw new PhoneSafeError('SAFE_CARD_FULL', `${error.detail}: ${hint}`, error.extra);
    }
  }

  async #recover(reasons: WalletRecoveryReason[], certificates: number[]): Promise<WalletEvent> {
    const { recovered } = await this.#wallet.recover(certificates);
    // A secret value's certificate stays: its mark is used up.
    const left = new Set((await this.#wallet.certificateRows()).map((c) => c.pointer));
    await this.#wallet.recall(
      certificates.filter((p) => left.has(p)),
      false,
    );
    return { event: 'wallet-recovered', reasons, certificates, values: recovered.flatMap((r) => (r.value === null ? [] : [r.value])) };
  }

  async #attempt(step: 'backup' | 'recovery', reasons: string[], run: () => Promise<WalletEvent>): Promise<WalletEvent> {
    try {
      return await run();
    } catch (error) {
      return { event: 'wallet-failed', step, reasons, ...failureOf(error) };
    }
  }
}
