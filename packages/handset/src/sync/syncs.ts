/**
 * The handset's SIM sync capability (sync.md): the card reader (insert and
 * remove, with their triggers: download on insertion, upload on removal,
 * S6 (b) and (a1)), the terminal password, registration and binding (S2,
 * S3), and sync on request (a5). Every path to the center goes through the
 * gate first, so a SIM in an unbound terminal sends nothing.
 */
import { resolve } from 'node:path';
import { PhoneSafeError, type DataKind } from '@phonesafe/protocol';
import { hashSecret } from '@phonesafe/protocol/node';
import type { AutoReason } from '../channel/events.ts';
import type { HandlerTable } from '../channel/handlers.ts';
import type { HandsetContext } from '../context.ts';
import { addTerminalId, moveSim, readSim, verifyPin, type SimView } from '../sim/sim-card.ts';
import { erasePlanned, planErase, type ErasePlan, type EraseResult } from './erase.ts';
import { checkTerminalPassword, clearToSync, insertedSim, type SyncSecrets } from './gate.ts';
import { runSession } from './sync-engine.ts';
import type { BindMode } from './sync-records.ts';
import type { MemoryWriter, SessionLimits, SyncResult } from './sync-types.ts';

type SyncContext = Pick<HandsetContext, 'layout' | 'clock' | 'memory' | 'session' | 'sync' | 'settings'>;

/** A trigger's sync: its result, or why it did not run (nothing else is lost: the changes stay pending). */
export type TriggeredSync = { ok: true; result: SyncResult } | { ok: false; code: string; detail: string };

export interface SimStatus {
  terminalId: string;
  bindMode: BindMode;
  passwordEachSync: boolean;
  passwordSet: boolean;
  sim: (SimView & { insertedAt: string; bound: boolean }) | null;
  /** Local changes not yet reflected at the center (additions, changes, deletions of synced items). */
  pendingUp: number;
}

export interface BindRequest {
  mode: BindMode;
  passwordEachSync: boolean;
  /** [0023]: refuse edits of synced data while no SIM is inserted. */
  requireSimForEdits: boolean;
  kinds: DataKind[];
  pin: string | undefined;
  password: string | undefined;
  /** FIG 18/19: the shop's registration, PIN checked, no terminal password. */
  shop: boolean;
}

export class Syncs {
  /** S6 / R-S6.8: the center says another terminal uploaded; the reminder is the event (a download needs the SIM). */
  readonly handlers: Pick<HandlerTable, 'sync-pending'> = {
    'sync-pending': (message, scope) => scope.emit({ event: 'sync-pending', number: message.number, seq: message.seq }),
  };

  readonly #ctx: SyncContext;
  readonly #writer: MemoryWriter;

  constructor(ctx: SyncContext, writer: MemoryWriter) {
    this.#ctx = ctx;
    this.#writer = writer;
  }

  async setPassword(password: string): Promise<void> {
    if (password.length < 4) throw new PhoneSafeError('USAGE', 'a terminal password has at least 4 characters');
    this.#ctx.sync.setPasswordHash(await hashSecret(password));
  }

  /** The card reader's insertion ([0028]) with the PIN as at power-on ([0036]); then the insertion trigger's sync (both ways, R-S6.7). */
  async insertSim(file: string, pin: string | undefined, secrets: SyncSecrets): Promise<{ sim: SimView; sync: TriggeredSync | null }> {
    const { sync: records, layout, clock } = this.#ctx;
    if (records.slot()) throw new PhoneSafeError('SYNC_SIM_IN_USE', 'a SIM is already inserted in this handset; remove it first');
    const source = resolve(file);
    await readSim(source);
    if (pin === undefined) throw new PhoneSafeError('SYNC_PIN_WRONG', 'the SIM asks for its PIN (PHONESAFE_PIN)');
    await verifyPin(source, pin);
    await moveSim(source, layout.sim);
    const sim = await readSim(layout.sim);
    records.setSlot({ subscriber: sim.subscriber, cameFrom: source, insertedAt: clock.now().toISOString() });
    if (!this.#ctx.session.current()) return { sim, sync: null };
    return { sim, sync: await this.#triggered('sim-insert', 'both', { pin, ...secrets }, true) };
  }

  /** Removal (a1): the upload first, then the card leaves; with `noSync`, or when the upload fails, the changes stay pending. */
  async removeSim(
    dest: string | undefined,
    options: { noSync: boolean; secrets: SyncSecrets },
  ): Promise<{ to: string; sync: TriggeredSync | null; pendingUp: number }> {
    const { sync: records, layout } = this.#ctx;
    const slot = records.slot();
    if (!slot) throw new PhoneSafeError('SYNC_NO_SIM', 'no SIM is inserted in this handset');
    const sync =
      options.noSync || !this.#ctx.session.current()
        ? null
        : await this.#triggered('sim-remove', 'up', options.secrets, false, this.#removalLimits());
    if (this.#ctx.session.current()) await this.#report(slot.subscriber, false);
    const to = dest === undefined ? slot.cameFrom : resolve(dest);
    await moveSim(layout.sim, to);
    records.setSlot(undefined);
    return { to, sync, pendingUp: this.pendingUp() };
  }

  /**
   * S6, per kind when that data is opened: the owner opens `kind`; when `sync.onOpen` names it and a SIM is in, a
   * session both ways runs first (every kind of the terminal: the download cursor is one per terminal, so a
   * one-kind download would skip the others' items). Otherwise nothing is sent. Answers what the owner then sees.
   */
  async open(kind: DataKind, secrets: SyncSecrets): Promise<{ kind: DataKind; sync: TriggeredSync | null; items: number }> {
    const named = this.#ctx.settings.get().sync.onOpen.includes(kind);
    const sync =
      named && this.#ctx.sync.slot() && this.#ctx.session.current() ? await this.#triggered('open', 'both', secrets, false) : null;
    return { kind, sync, items: this.#ctx.memory.list().filter((item) => item.kind === kind && !item.offloaded).length };
  }

  async status(): Promise<SimStatus> {
    const { sync: records, layout } = this.#ctx;
    const terminal = records.terminal();
    const slot = records.slot();
    let sim: SimStatus['sim'] = null;
    if (slot) {
      const view = await readSim(layout.sim);
      const bound =
        terminal.bindMode === 'terminal'
          ? records.isBound(view.subscriber)
          : terminal.bindMode === 'sim'
            ? view.terminalIds.includes(terminal.terminalId)
            : true;
      sim = { ...view, insertedAt: slot.insertedAt, bound };
    }
    const { terminalId, bindMode, passwordEachSync, passwordHash } = terminal;
    return { terminalId, bindMode, passwordEachSync, passwordSet: passwordHash !== null, sim, pendingUp: this.pendingUp() };
  }

  /** FIG 8 (or the shop's FIG 19): PIN, terminal password, registration at the center, then the binding by mode (FIG 10-A, 11-A). */
  async bind(request: BindRequest): Promise<{ number: string; terminalId: string; mode: BindMode; kinds: DataKind[] }> {
    const { sync: records, layout, clock } = this.#ctx;
    const session = this.#ctx.session.require();
    const sim = await insertedSim(records, layout.sim);
    if (request.pin === undefined) throw new PhoneSafeError('SYNC_PIN_WRONG', 'registration asks for the PIN (PHONESAFE_PIN)');
    await verifyPin(layout.sim, request.pin);
    if (!request.shop) await checkTerminalPassword(records, request.password);
    const { terminalId } = records.terminal();
    const view = await session.client.sync().registerTerminal(terminalId, {
      number: sim.subscriber,
      kinds: request.kinds,
      registeredVia: request.shop ? 'shop' : 'terminal',
      ...(request.shop || request.password === undefined ? {} : { terminalPassword: request.password }),
    });
    if (request.mode === 'terminal') records.bind(sim.subscriber, clock.now().toISOString(), request.shop ? 'shop' : 'terminal');
    if (request.mode === 'sim') await addTerminalId(layout.sim, terminalId);
    records.setMode(request.mode, request.passwordEachSync, request.requireSimForEdits);
    await this.#report(sim.subscriber, true);
    return { number: sim.subscriber, terminalId, mode: request.mode, kinds: view.kinds };
  }

  /** The owner's sync on request (a5); refused locally (nothing sent) when the SIM is not bound here. */
  async sync(direction: SyncResult['direction'], secrets: SyncSecrets): Promise<SyncResult> {
    return this.#run('manual', direction, secrets);
  }

  /**
   * S9 collective erase (FIG 20): the gate (a SIM not bound here refuses it, nothing sent or erased), an upload of what is
   * not reflected, the user's confirmation of the plan, then the erase of what the user area holds. Never a deletion.
   */
  async erase(request: {
    kinds: DataKind[] | undefined;
    secrets: SyncSecrets;
    confirm: (plan: ErasePlan) => Promise<boolean>;
  }): Promise<EraseResult> {
    const upload = await this.#run('erase', 'up', request.secrets);
    const planned = planErase(this.#ctx.memory, this.#ctx.sync, upload, request.kinds ?? upload.kinds);
    if (!(await request.confirm(planned.plan)))
      throw new PhoneSafeError('SYNC_ERASE_NOT_CONFIRMED', 'the erase was not confirmed (--yes, or answer yes); nothing was erased');
    await erasePlanned(this.#ctx.memory, this.#ctx.sync, this.#writer, planned);
    return { ...planned.plan, upload };
  }

  /** `handset delete`: a deletion, uploaded at the next sync; warned (or refused) when no SIM is in ([0068], [0023]). */
  async deleteItem(path: string): Promise<{ path: string; warning: string | null }> {
    const warning = this.editGuard();
    await this.#writer.deleteItem(path);
    return { path, warning };
  }

  /**
   * Before an edit of this handset's data (an import, a deletion): on a
   * terminal that syncs, with no SIM inserted, the edit may conflict with
   * another terminal ([0068]): a warning, or with requireSimForEdits a
   * refusal ([0023]). Null when there is nothing to say.
   */
  editGuard(): string | null {
    const records = this.#ctx.sync;
    if (records.slot() || !records.isTerminal()) return null;
    if (records.terminal().requireSimForEdits)
      throw new PhoneSafeError(
        'USAGE',
        'this handset refuses edits of synced data while no SIM is inserted (bind --require-sim-for-edits)',
      );
    return 'no SIM is inserted: this change may conflict with a change on another terminal of the subscriber';
  }

  /** Items not reflected at the center: unsynced or changed items, and synced items deleted here. */
  pendingUp(): number {
    return this.pending().count;
  }

  /** The changes not reflected at the center: how many, and the bytes of the additions and changes among them. */
  pending(): { count: number; bytes: number } {
    const { memory, sync: records } = this.#ctx;
    let count = 0;
    let bytes = 0;
    for (const item of memory.list()) {
      const record = records.byItem(item.id);
      if (item.offloaded || (record && record.version > 0 && record.sha256 === item.sha256)) continue;
      count++;
      bytes += item.size;
    }
    for (const subscriber of new Set([...records.bindings(), records.slot()?.subscriber].filter((s): s is string => !!s)))
      for (const record of records.items(subscriber)) if (record.version > 0 && !memory.byId(record.itemId)) count++;
    return { count, bytes };
  }

  /** Whether an automatic trigger may sync now: a SIM is in and this handset syncs (the gate still decides on the binding). */
  autoReady(): boolean {
    return this.#ctx.sync.slot() !== undefined && this.#ctx.sync.isTerminal();
  }

  /**
   * An automatic trigger's sync (S6, S10, S11, run by `handset run`): periodic and idle both ways, the others up only
   * (low battery defers the download); `limits` cap an idle one. Its result, or why it did not run; the changes stay pending then.
   */
  auto(reason: AutoReason, secrets: SyncSecrets, limits?: SessionLimits): Promise<TriggeredSync> {
    return this.#triggered(reason, reason === 'periodic' || reason === 'idle' ? 'both' : 'up', secrets, false, limits);
  }

  /** `sync.removalMaxSeconds` from now by the handset's clock (the radio stays up that long at most), or none. */
  #removalLimits(): SessionLimits | undefined {
    const seconds = this.#ctx.settings.get().sync.removalMaxSeconds;
    return seconds === null ? undefined : { maxBytes: null, until: this.#ctx.clock.now().getTime() + seconds * 1000 };
  }

  async #run(
    reason: SyncResult['reason'],
    direction: SyncResult['direction'],
    secrets: SyncSecrets,
    limits?: SessionLimits,
  ): Promise<SyncResult> {
    const session = this.#ctx.session.require();
    const { sim, terminal } = await clearToSync(this.#ctx.sync, this.#ctx.layout.sim, secrets);
    const deps = { records: this.#ctx.sync, memory: this.#ctx.memory, writer: this.#writer, clock: this.#ctx.clock, session };
    const request = { number: sim.subscriber, terminalId: terminal.terminalId, reason, direction, secrets, label: session.identity.name };
    return runSession(deps, limits ? { ...request, limits } : request);
  }

  async #triggered(
    reason: SyncResult['reason'],
    direction: SyncResult['direction'],
    secrets: SyncSecrets,
    report: boolean,
    limits?: SessionLimits,
  ): Promise<TriggeredSync> {
    try {
      const result = await this.#run(reason, direction, secrets, limits);
      if (report) await this.#report(result.number, true);
      return { ok: true, result };
    } catch (error) {
      if (!(error instanceof PhoneSafeError)) throw error;
      return { ok: false, code: error.code, detail: error.detail };
    }
  }

  /** Who holds the SIM, for the center (the rescue desk follows the SIM); best effort, never in the way of the card. */
  async #report(number: string, mounted: boolean): Promise<void> {
    const session = this.#ctx.session.current();
    if (!session) return;
    await session.client
      .sync()
      .reportSim({ number, terminalId: this.#ctx.sync.terminal().terminalId, mounted })
      .catch(() => {});
  }
}
