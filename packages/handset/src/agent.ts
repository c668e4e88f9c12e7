import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PhoneSafeError, type HistoryEvent, type Notice } from '@phonesafe/protocol';
import type { BackupOptions, BackupResult, TriggeredBackup } from './backup/backup-types.ts';
import { Backups } from './backup/backups.ts';
import type { HandlerTable } from './channel/handlers.ts';
import { runChannel, type RunOptions } from './channel/run-loop.ts';
import { channelUrl } from './channel/socket.ts';
import { openContext, type AgentOptions, type HandsetContext } from './context.ts';
import { Device, type DeviceReport, type DeviceView } from './device/device.ts';
import type { DeviceChange } from './device/device-state.ts';
import type { Readiness } from './device/readiness.ts';
import type { LocalHistoryEntry } from './history/history-table.ts';
import { History } from './history/history.ts';
import type { EnrollRequest } from './identity/enroll.ts';
import { Enrollment, type EnrollResult } from './identity/enrollment.ts';
import { discardLayout, hasHandset, layoutOf, prepareLayout } from './layout.ts';
import type { ExportResult, ImportResult } from './memory/import-export.ts';
import { MemoryIO } from './memory/memory-io.ts';
import type { FetchResult } from './offload/fetch.ts';
import type { OffloadRequest, OffloadResult } from './offload/offload.ts';
import { Offloads } from './offload/offloads.ts';
import { rescueHandlers } from './rescue/rescue-handlers.ts';
import type { PendingOptions } from './restore/pending-restores.ts';
import type { RestoreOptions, RestoreResult } from './restore/restore-types.ts';
import { Restores } from './restore/restores.ts';
import type { HandsetSettings, SettingsPatch } from './settings/settings-table.ts';
import { Settings, type SettingsUpdate } from './settings/settings.ts';
import { statusOf, type HandsetStatus } from './status.ts';
import { AutoSync } from './sync/auto-sync.ts';
import type { SyncSecrets } from './sync/gate.ts';
import { Syncs } from './sync/syncs.ts';
import type { ProgressFn } from './util/progress.ts';
import { Wallet } from './wallet/wallet.ts';
import { WalletAuto } from './wallet/auto.ts';
import { runWalletLoop, type WalletLoopOptions } from './wallet/auto-loop.ts';
import { acquireRunLock } from './util/run-lock.ts';
import { endPairing, finishEnded, pairingEnded } from './mail/mail-end.ts';
import { runMailLoop, type MailLoopOptions } from './mail/mail-loop.ts';
import {
  forgetPairing,
  loadPairing,
  requirePairing,
  savePairing,
  type HandsetMailSettings,
  type HandsetPairing,
} from './mail/mail-pairing.ts';
import { MailResponder, type PollOptions, type PollResult } from './mail/mail-responder.ts';
import { readLog, type MailLogEntry } from './mail/mail-state.ts';

export type { AgentOptions } from './context.ts';

export interface OpenOptions extends AgentOptions {
  /** false: DIR must already hold a handset (DATA_DIR_MISSING otherwise, and nothing is created). Default true. */
  create?: boolean;
}

/**
 * The handset agent: one data directory (layout.ts), opened once into a
 * HandsetContext, and the capability modules built on it. This file only
 * opens, closes and exposes them; the logic is in the modules. Engines
 * report progress through callbacks and never print.
 */
export class HandsetAgent {
  readonly #ctx: HandsetContext;
  readonly #settings: Settings;
  readonly #device: Device;
  readonly #enrollment: Enrollment;
  readonly #restores: Restores;
  readonly #backups: Backups;
  readonly #memory: MemoryIO;
  readonly #offloads: Offloads;
  readonly #history: History;
  readonly #wallet: Wallet;
  /** What this open made, so discard() removes that and nothing else. */
  readonly #created: { handset: boolean; directory: boolean };
  /** SIM sync (sync.md): the card reader, binding, sessions. */
  readonly simSync: Syncs;

  private constructor(ctx: HandsetContext, options: AgentOptions, created: { handset: boolean; directory: boolean }) {
    this.#ctx = ctx;
    this.#created = created;
    this.#settings = new Settings(ctx);
    this.#device = new Device(ctx);
    this.#enrollment = new Enrollment(ctx, this.#settings);
    this.#restores = new Restores(ctx);
    this.#backups = new Backups(ctx, {
      applyPendingFirst: () => this.#restores.applyPendingFirst(),
      readiness: () => this.#device.readiness(),
    });
    this.#memory = new MemoryIO(ctx, this.#backups, () => this.simSync.editGuard());
    this.#offloads = new Offloads(ctx, this.#backups);
    this.#history = new History(ctx, this.#restores);
    // The IC card is apart from the handset's memory: its own folder and database, opened on first use.
    this.#wallet = new Wallet(ctx.layout.card, { clock: ctx.clock, ...(options.walletScryptN ? { scryptN: options.walletScryptN } : {}) });
    this.simSync = new Syncs(ctx, this.#memory);
  }

  /** Opens the handset in `dir`, creating its layout when new (unless `create` is false). */
  static async open(dir: string, options: OpenOptions = {}): Promise<HandsetAgent> {
    const { create = true, ...agentOptions } = options;
    const layout = layoutOf(resolve(dir));
    const created = { handset: !hasHandset(layout), directory: !existsSync(layout.root) };
    if (created.handset && !create) {
      throw new PhoneSafeError(
        'DATA_DIR_MISSING',
        `no handset in ${layout.root}: check --data, or enrol one there with \`phonesafe handset enroll\``,
      );
    }
    await prepareLayout(layout);
    const agent = new HandsetAgent(openContext(layout, agentOptions), agentOptions, created);
    await agent.#enrollment.resume();
    return agent;
  }

  async close(): Promise<void> {
    await this.#ctx.session.current()?.client.close();
    await this.#ctx.session.current()?.copier.close();
    this.#wallet.close();
    this.#ctx.db.close();
  }

  /** The IC card's wallet (docs/design/safes.md). */
  wallet = (): Wallet => this.#wallet;
  /** The wallet's automatic backup and recovery triggers (V13, V14, V16), watching this virtual device. */
  walletAuto = (): WalletAuto => new WalletAuto(this.#wallet, () => this.#device.view(), this.#ctx.clock);
  /** Whether this handset has an IC card with a wallet (run evaluates its triggers then). */
  walletInUse = (): boolean => existsSync(resolve(this.#ctx.layout.card, 'card.db'));
  /** The wallet triggers until `options.signal` aborts (part of `handset run`; needs no center). */
  runWallet = (options: WalletLoopOptions): Promise<void> => runWalletLoop(this.walletAuto(), options);

  /** Closes and removes a handset this open created (a failed enrolment leaves nothing); a handset that was there stays. */
  async discard(): Promise<void> {
    await this.close();
    if (this.#created.handset) await discardLayout(this.#ctx.layout, { directory: this.#created.directory });
  }

  status = (): HandsetStatus => statusOf(this.#ctx, this.#device);
  settings = (): HandsetSettings => this.#settings.get();
  /** Validates and stores a change (USAGE error naming each bad field); a changed schedule is registered at the center. */
  updateSettings = (patch: SettingsPatch): Promise<SettingsUpdate> => this.#settings.update(patch);
  /** The CLI's `--set key=value` (keys and value forms in settings/setter.ts). */
  setSetting = (key: string, value: string): Promise<SettingsUpdate> => this.#settings.set(key, value);

  /** The owner operates the handset for `forMs` (by the agent's clock); 0 ends it. Seen by every process on this data directory. */
  setBusy = (forMs: number): void => this.#device.setBusy(forMs);
  setDeviceState = (change: DeviceChange): void => this.#device.set(change);
  deviceState = (): DeviceView => this.#device.view();
  /** The device and the answer a backup start request would get now. */
  deviceReport = (): DeviceReport => this.#device.report();
  /** Whether the handset would answer a center's backup start request OK, or NG and why (B3). */
  readiness = (): Readiness => this.#device.readiness();

  /** Enrolls at a center (registering the owner on a first handset) and makes the copies items are owed. */
  enroll = (request: EnrollRequest): Promise<EnrollResult> => this.#enrollment.enroll(request);

  /** A save of the files under `src` (B2), then the B4 size trigger. */
  importTree = (src: string, options: { onProgress?: ProgressFn; mirror?: boolean } = {}): Promise<ImportResult> =>
    this.#memory.importTree(src, options);
  /** Writes what is on the handset; offloaded items are counted, not written. */
  exportTree = (out: string, options: { onProgress?: ProgressFn } = {}): Promise<ExportResult> => this.#memory.exportTree(out, options);

  /** The owner's "back up now" (B4): all kinds unless `kinds` are given. */
  backup = (options: BackupOptions = {}): Promise<BackupResult> => this.#backups.now(options);
  /** B4 specific-action trigger: the handset was switched on. Undefined when the power-on trigger is off. */
  powerOn = (): Promise<TriggeredBackup | undefined> => this.#backups.powerOn();

  /** The owner's restore (B6), after the pending orders. */
  restore = (options: RestoreOptions): Promise<RestoreResult> => this.#restores.restore(options);
  /** Applies the restores the owner ordered for this handset (restore/restores.ts). */
  applyPendingRestores = (options: Omit<PendingOptions, 'deferUnanswerable'> = {}): Promise<RestoreResult[]> =>
    this.#restores.applyPending(options);
  /** Local history, and the center's history of this handset (none before enrollment). */
  history = (): Promise<{ local: LocalHistoryEntry[]; center: HistoryEvent[] }> => this.#history.list();

  /** B9: moves items of `kinds` not modified for `olderThanMs` to the center, leaving stubs. */
  offload = (request: OffloadRequest): Promise<OffloadResult> => this.#offloads.offload(request);
  /** B9: brings an offloaded item (by id or path) back from the center. */
  fetch = (itemIdOrPath: string): Promise<FetchResult> => this.#offloads.fetch(itemIdOrPath);

  /** The center's notices for this handset (B3 "backup could not be made", B4 over quota). */
  notices = (): Promise<Notice[]> => this.#ctx.session.require().client.notices();

  /** Backup by mail (M1–M7): registers the pairing (the secret from `pc mail-pair`'s code, the mailbox, the pc and owner addresses). */
  mailPair = (settings: HandsetMailSettings, secret: Buffer): Promise<HandsetPairing> =>
    savePairing(this.#ctx.layout.root, settings, secret);
  mailPairing = (): Promise<HandsetPairing | undefined> => loadPairing(this.#ctx.layout.root);
  mailUnpair = (): Promise<void> => forgetPairing(this.#ctx.layout.root);
  mailLog = (): Promise<MailLogEntry[]> => readLog(this.#ctx.layout.root);
  /** Paired, or an ended pairing's last mails still to send. */
  mailActive = async (): Promise<boolean> => pairingEnded(this.#ctx.layout.root) || (await this.mailPairing()) !== undefined;
  /** One pass of the mail responder: send what waits, answer what arrived (an ended pairing: send its last mails, forget it). */
  async mailPoll(options: PollOptions): Promise<PollResult> {
    if (pairingEnded(this.#ctx.layout.root)) return finishEnded(this.#ctx.layout.root, options.password);
    return (await this.#responder()).poll(options);
  }
  /** The mail responder until `options.signal` aborts or the pairing is gone (part of `handset run`; needs no center). */
  runMail(poll: PollOptions, options: MailLoopOptions): Promise<void> {
    return runMailLoop(() => this.mailPoll(poll), options);
  }
  async #responder(): Promise<MailResponder> {
    const pairing = await requirePairing(this.#ctx.layout.root);
    return new MailResponder(this.#ctx.layout.root, pairing, { memory: this.#ctx.memory, save: this.#memory.save, clock: this.#ctx.clock });
  }
  /** Whether this handset is enrolled at a center (its live channel can run). */
  enrolled = (): boolean => this.#ctx.session.current() !== undefined;

  /**
   * `phonesafe handset run`: the live channel to the center until `signal`
   * aborts (channel/run-loop.ts). Each capability handles its messages; the
   * table must name every message type the center sends.
   */
  /**
   * The live loop, and beside it S6's automatic sync triggers (sync/auto-sync.ts), checked every `syncTickMs` real
   * milliseconds (1 s by default) against the handset's clock; `syncSecrets` for terminals that ask for them at every sync.
   */
  async run(options: RunOptions & { syncTickMs?: number; syncSecrets?: SyncSecrets }): Promise<void> {
    const { identity } = this.#ctx.session.require();
    const handlers = {
      ...this.#backups.handlers,
      ...this.#restores.handlers,
      ...rescueHandlers(this.#ctx, {
        erased: () => endPairing(this.#ctx.layout.root, 'erased by the rescue desk', this.#ctx.clock).then(() => undefined),
      }),
      ...this.#enrollment.handlers,
      ...this.simSync.handlers,
    } satisfies HandlerTable;
    const endpoint = { url: channelUrl(identity.center), credential: identity.credential, ...(identity.ca ? { ca: identity.ca } : {}) };
    const onConnect = [this.#restores.onConnect, this.#settings.onConnect];
    const release = await acquireRunLock(this.#ctx.layout.runLock);
    const auto = new AutoSync({
      syncs: this.simSync,
      settings: () => this.#ctx.settings.get().sync,
      device: () => this.#ctx.device.get(),
      clock: this.#ctx.clock,
      emit: options.onEvent ?? (() => {}),
      secrets: options.syncSecrets ?? {},
    });
    // The triggers stop with the live loop, however it ends (stopped, revoked, failed).
    const stopAuto = new AbortController();
    const stop = () => stopAuto.abort();
    options.signal.addEventListener('abort', stop, { once: true });
    const ticking = auto.run(stopAuto.signal, options.syncTickMs ?? 1000);
    // A fault of the triggers (not a failed sync: that is an event) ends them; it is thrown when the live loop ends.
    ticking.catch(() => {});
    try {
      await runChannel({ endpoint, handlers, onConnect, forget: () => this.#enrollment.forget() }, options).finally(stop);
      await ticking;
    } finally {
      await release();
    }
  }
}
