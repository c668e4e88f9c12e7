/**
 * The subscriber DB (S1, FIG 7): subscribers with their security level and
 * wrapped collection keys, their terminals (registration FIG 8 and the
 * shop's FIG 19, kinds per terminal FIG 7(b)/FIG 15, who holds the SIM), and
 * the checks of a sync session start (FIG 14) for the sync capability.
 */
import {
  type Clock,
  type DataKind,
  PhoneSafeError,
  type SubscriberView,
  targetKinds,
  type TerminalView,
  type UpdateSubscriberRequest,
} from '@phonesafe/protocol';
import { checkSecret, hashSecret } from '@phonesafe/protocol/node';
import { type HandsetCaller } from '../auth/caller.ts';
import type { Lockout } from '../auth/lockout.ts';
import { newId } from '../ids.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { SubscriberDirectory, SyncCredentials, SyncGrant } from '../sync/sync-ports.ts';
import type { SecurityCheck, SubscriberRepo, SubscriberRow, TerminalRow } from './subscriber-repo.ts';

/** What the subscriber view reads of the user area (the sync capability, wired in app.ts). */
export interface AreaStats {
  lastSeq(subscriberId: string): Promise<number>;
  cursors(subscriberId: string): Promise<Map<string, { cursor: number; lastSyncAt: string }>>;
  /** A terminal's kinds or filters changed: it must see every item they let through again ([0067]: it receives what it does not have). */
  rewindCursor(subscriberId: string, terminalId: string): Promise<void>;
}

export interface SubscriberDeps {
  subscribers: SubscriberRepo;
  clock: Clock;
  lockout: Lockout;
  notifier: Notifier;
  area: AreaStats;
}

export interface NewSubscriber {
  number: string;
  security: SecurityCheck[];
  pin?: string | undefined;
  keys: Partial<Record<DataKind, string>>;
}

export interface NewTerminal {
  number: string;
  kinds: DataKind[];
  terminalPassword?: string | undefined;
  registeredVia: 'terminal' | 'shop';
}

export class SubscriberService implements SubscriberDirectory {
  readonly #deps: SubscriberDeps;

  constructor(deps: SubscriberDeps) {
    this.#deps = deps;
  }

  async create(ownerId: string, input: NewSubscriber): Promise<SubscriberView> {
    if (input.security.includes('pin') && input.pin === undefined)
      throw new PhoneSafeError('VALIDATION_FAILED', 'a security level with pin needs the PIN, held at the center ([0056])');
    const row: SubscriberRow = {
      id: newId(),
      ownerId,
      number: input.number,
      security: [...new Set(input.security)],
      pinHash: input.pin === undefined ? null : await hashSecret(input.pin),
      keys: input.keys,
      createdAt: this.#deps.clock.now().toISOString(),
    };
    await this.#deps.subscribers.create(row);
    return this.#view(row);
  }

  async show(ownerId: string, number: string): Promise<SubscriberView> {
    return this.#view(await this.#ownedRow(ownerId, number));
  }

  async update(ownerId: string, number: string, change: UpdateSubscriberRequest): Promise<SubscriberView> {
    const row = await this.#ownedRow(ownerId, number);
    const security = change.security ?? row.security;
    if (security.includes('pin') && row.pinHash === null && change.pin === undefined)
      throw new PhoneSafeError('VALIDATION_FAILED', 'a security level with pin needs the PIN, held at the center ([0056])');
    const pinHash = change.pin === undefined ? undefined : await hashSecret(change.pin);
    await this.#deps.subscribers.update(row.id, { security: [...new Set(security)], ...(pinHash ? { pinHash } : {}) });
    if (change.terminal) {
      const { terminalId, kinds, filters } = change.terminal;
      const ok = await this.#deps.subscribers.setTargets(row.id, terminalId, {
        ...(kinds ? { kinds: targetKinds(kinds) } : {}),
        ...(filters ? { filters } : {}),
      });
      if (!ok) throw new PhoneSafeError('NOT_FOUND', `no terminal ${change.terminal.terminalId} of ${number}`);
      await this.#deps.area.rewindCursor(row.id, change.terminal.terminalId);
    }
    return this.show(ownerId, number);
  }

  /** FIG 8 S5-S6 (and FIG 19 S74): the calling handset registers as a terminal of its owner's subscriber. */
  async registerTerminal(caller: HandsetCaller, terminalId: string, input: NewTerminal): Promise<TerminalView> {
    const row = await this.#forHandset(caller, input.number);
    if (input.registeredVia === 'terminal' && input.terminalPassword === undefined)
      throw new PhoneSafeError('VALIDATION_FAILED', 'a registration from the terminal carries its terminal password (FIG 8)');
    const passwordHash = input.terminalPassword === undefined ? null : await hashSecret(input.terminalPassword);
    const now = this.#deps.clock.now().toISOString();
    const kinds = targetKinds(input.kinds);
    await this.#deps.subscribers.putTerminal({
      subscriberId: row.id,
      terminalId,
      type: 'handset',
      handsetId: caller.handsetId,
      passwordHash,
      kinds,
      registeredVia: input.registeredVia,
      registeredAt: now,
    });
    await this.#deps.area.rewindCursor(row.id, terminalId);
    const view = (await this.#view(row)).terminals.find((t) => t.terminalId === terminalId);
    if (!view) throw new PhoneSafeError('INTERNAL', 'the terminal just registered is not there');
    return view;
  }

  /** The card reader's event ([0028]); who holds the SIM is what the rescue desk follows. */
  async reportSim(caller: HandsetCaller, report: { number: string; terminalId: string; mounted: boolean }): Promise<void> {
    const row = await this.#forHandset(caller, report.number);
    const terminal = await this.#deps.subscribers.terminal(row.id, report.terminalId);
    if (!terminal || terminal.handsetId !== caller.handsetId) throw new PhoneSafeError('SYNC_NOT_BOUND');
    await this.#deps.subscribers.markSim(row.id, report.terminalId, report.mounted, this.#deps.clock.now().toISOString());
  }

  async authorize(caller: HandsetCaller, credentials: SyncCredentials): Promise<SyncGrant> {
    const row = await this.#deps.subscribers.byNumber(credentials.number);
    const terminal = row && (await this.#deps.subscribers.terminal(row.id, credentials.terminalId));
    if (!row || row.ownerId !== caller.ownerId || !terminal || terminal.handsetId !== caller.handsetId)
      throw new PhoneSafeError('SYNC_NOT_BOUND', 'this handset is not a registered terminal of that subscriber');
    await this.#checkLevel(row, terminal, credentials);
    const keys: SyncGrant['keys'] = {};
    for (const kind of terminal.kinds) if (row.keys[kind]) keys[kind] = row.keys[kind];
    const { terminalId, kinds, filters } = terminal;
    return { subscriberId: row.id, ownerId: row.ownerId, number: row.number, terminalId, kinds, filters, keys };
  }

  async numberOf(subscriberId: string): Promise<string> {
    const row = await this.#deps.subscribers.byId(subscriberId);
    if (!row) throw new PhoneSafeError('NOT_FOUND', 'no such subscriber');
    return row.number;
  }

  async otherHandsets(subscriberId: string, exceptTerminalId: string): Promise<string[]> {
    const terminals = await this.#deps.subscribers.terminals(subscriberId);
    return terminals.filter((t) => t.terminalId !== exceptTerminalId && t.handsetId !== null).map((t) => t.handsetId!);
  }

  /** The rescue desk's SimHolder: the handset of the terminal that last reported holding the number's SIM, if it is the owner's. */
  async handsetHolding(ownerId: string, number: string): Promise<string | null> {
    const row = await this.#deps.subscribers.byNumber(number);
    if (!row || row.ownerId !== ownerId) return null;
    const terminals = await this.#deps.subscribers.terminals(row.id);
    const holder = holderOf(terminals);
    return terminals.find((t) => t.terminalId === holder)?.handsetId ?? null;
  }

  async owned(ownerId: string, number: string): Promise<{ subscriberId: string; keys: SubscriberRow['keys'] }> {
    const row = await this.#ownedRow(ownerId, number);
    return { subscriberId: row.id, keys: row.keys };
  }

  /** FIG 14 S62 at the subscriber's level: each secret it names must be given and right; wrong tries are counted per terminal. */
  async #checkLevel(row: SubscriberRow, terminal: TerminalRow, credentials: SyncCredentials): Promise<void> {
    if (row.security.length === 0) return;
    const reserved = await this.#deps.lockout.reserve(`sync:${row.number}:${terminal.terminalId}`);
    let right = true;
    for (const check of row.security) {
      const given = check === 'pin' ? credentials.pin : credentials.terminalPassword;
      const stored = check === 'pin' ? row.pinHash : terminal.passwordHash;
      if (given === undefined || stored === null || !(await checkSecret(given, stored))) right = false;
    }
    if (right) return this.#deps.lockout.succeeded(reserved);
    if (reserved.locked)
      await this.#deps.notifier.notify({
        ownerId: row.ownerId,
        handsetId: terminal.handsetId,
        kind: 'sync-locked',
        message: `sync of ${row.number} from terminal ${terminal.terminalId} is locked until ${reserved.lockedUntil} after too many wrong passwords or PINs`,
      });
    throw new PhoneSafeError('UNAUTHENTICATED', `the ${row.security.join(' and ')} asked for this subscriber is missing or wrong`);
  }

  async #ownedRow(ownerId: string, number: string): Promise<SubscriberRow> {
    const row = await this.#deps.subscribers.byNumber(number);
    if (!row || row.ownerId !== ownerId) throw new PhoneSafeError('NOT_FOUND', `no subscriber ${number}`);
    return row;
  }

  async #forHandset(caller: HandsetCaller, number: string): Promise<SubscriberRow> {
    const row = await this.#deps.subscribers.byNumber(number);
    if (!row || row.ownerId !== caller.ownerId) throw new PhoneSafeError('SYNC_NOT_BOUND', `${number} is not a subscriber of this owner`);
    return row;
  }

  async #view(row: SubscriberRow): Promise<SubscriberView> {
    const [terminals, cursors, lastSeq] = await Promise.all([
      this.#deps.subscribers.terminals(row.id),
      this.#deps.area.cursors(row.id),
      this.#deps.area.lastSeq(row.id),
    ]);
    const holder = holderOf(terminals);
    return {
      number: row.number,
      security: row.security,
      createdAt: row.createdAt,
      lastSeq,
      terminals: terminals.map((t) => ({
        terminalId: t.terminalId,
        type: t.type,
        handsetName: t.handsetName,
        kinds: t.kinds,
        filters: t.filters,
        registeredVia: t.registeredVia,
        registeredAt: t.registeredAt,
        simMountedAt: t.simMountedAt,
        holdsSim: holder === t.terminalId,
        lastSyncAt: cursors.get(t.terminalId)?.lastSyncAt ?? null,
        cursor: cursors.get(t.terminalId)?.cursor ?? 0,
      })),
    };
  }
}

/** The terminal that last reported the SIM inserted and has not reported it removed since. */
export function holderOf(terminals: readonly TerminalRow[]): string | null {
  let best: TerminalRow | undefined;
  for (const t of terminals) {
    if (t.simMountedAt === null || (t.simRemovedAt !== null && t.simRemovedAt >= t.simMountedAt)) continue;
    if (!best || t.simMountedAt > best.simMountedAt!) best = t;
  }
  return best?.terminalId ?? null;
}
