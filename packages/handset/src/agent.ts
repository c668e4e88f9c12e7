import { resolve } from 'node:path';
import {
  PhoneSafeError,
  systemClock,
  type Clock,
  type DataKind,
  type ErrorCode,
  type HistoryEvent,
  type Notice,
  type ScheduleSpec,
  type ScheduleView,
} from '@phonesafe/protocol';
import { CenterClient, OwnerKeys, type HttpTimeouts } from '@phonesafe/protocol/node';
import { BackupArea } from './backup-area/backup-area.ts';
import { copyUncopied } from './backup-area/catch-up.ts';
import { Copier } from './backup-area/copier.ts';
import { PartIndex } from './backup-area/part-index.ts';
import { Profile } from './backup-area/profile.ts';
import { runChannel, type RunOptions } from './channel/run-loop.ts';
import { channelUrl } from './channel/socket.ts';
import { HandsetDb } from './db/database.ts';
import { AreaWriters } from './device/area-writers.ts';
import { DeviceStateStore, type DeviceState } from './device/device-state.ts';
import { readinessOf, type Readiness } from './device/readiness.ts';
import { HistoryStore, type LocalHistoryEntry } from './history/history-store.ts';
import { enrollAtCenter, type ConnectCenter, type EnrollRequest } from './identity/enroll.ts';
import { IdentityStore, type Identity } from './identity/identity-store.ts';
import { forgetEnrolment } from './identity/unenrol.ts';
import { layoutOf, prepareLayout, type Layout } from './layout.ts';
import { exportTree, importTree, type SaveItem } from './memory/import-export.ts';
import { MemoryStore } from './memory/memory-store.ts';
import { fetchItem, type FetchResult } from './offload/fetch.ts';
import { offloadItems, type OffloadRequest, type OffloadResult } from './offload/offload.ts';
import type { Session } from './session.ts';
import { settingPatch } from './settings/setter.ts';
import { SettingsStore, type HandsetSettings, type SettingsPatch } from './settings/settings.ts';
import { sizeTriggerFires } from './triggers/size-trigger.ts';
import { ALL_KINDS, type BackupScope } from './transfer/backup-scope.ts';
import { runBackup, type BackupDeps, type BackupRun } from './transfer/backup-engine.ts';
import { OpenBackupStore } from './transfer/open-backup.ts';
import { eraseForRescue } from './rescue/erase.ts';
import { RescueStore } from './rescue/rescue-store.ts';
import { saveForRescue } from './rescue/save.ts';
import { applyPendingRestores, type PendingFailure, type PendingOptions } from './transfer/pending-restores.ts';
import { runRestore, type RestoreDeps } from './transfer/restore-engine.ts';
import type {
  BackupOptions,
  BackupResult,
  BackupTrigger,
  ExportResult,
  HandsetStatus,
  ImportResult,
  ProgressFn,
  RestoreOptions,
  RestoreResult,
  TriggeredBackup,
} from './types.ts';
import { failureOf } from './util/failure.ts';
import { Serial } from './util/serial.ts';

/**
 * Whether the center knows the handset's schedule (B1: center-side triggers
 * are registered at the center). When registration fails the settings still
 * stand; the run loop registers on its next connection.
 */
export type ScheduleRegistration =
  { registered: true; schedule: ScheduleSpec | null; nextRunAt: string | null } | { registered: false; code: ErrorCode; detail: string };

export interface SettingsUpdate {
  settings: HandsetSettings;
  /** Present when the schedule changed on an enrolled handset. */
  schedule?: ScheduleRegistration;
}

export interface AgentOptions {
  clock?: Clock;
  /** How to reach the center; tests put faults here. A plain CenterClient by default. */
  connect?: ConnectCenter;
  /** Connect and inactivity timeouts of every request to the center (the client's defaults otherwise). */
  timeouts?: HttpTimeouts;
}

/**
 * The handset agent: its memory, its backup area and profile, and its
 * dealings with the center. One agent owns a data directory (see layout.ts).
 * Engines report progress through callbacks and never print.
 */
export class HandsetAgent {
  readonly #db: HandsetDb;
  readonly #clock: Clock;
  readonly #connect: ConnectCenter;
  readonly #identities: IdentityStore;
  /**
   * Writes to the memory and the backup area, one item at a time, and a
   * backup's clean-up: the clean-up never sees a copy half made. Sending a
   * backup runs outside it, so the memory may change meanwhile (SPEC B2).
   */
  readonly #writes = new Serial();
  /** One backup at a time: a second call waits, then sends what is new since. */
  readonly #backups = new Serial();
  /** Pending restores are applied by one caller at a time, so an order is never applied twice. */
  readonly #pendingRestores = new Serial();
  readonly #device: DeviceStateStore;
  readonly #writers: AreaWriters;
  readonly #memory: MemoryStore;
  readonly #area: BackupArea;
  readonly #index: PartIndex;
  readonly #profile: Profile;
  readonly #settings: SettingsStore;
  readonly #history: HistoryStore;
  readonly #openBackups: OpenBackupStore;
  readonly #rescues: RescueStore;
  /** Set once enrolled: the link to the center and the copier that needs the owner's keys. */
  #enrolled: { session: Session; copier: Copier } | undefined;

  private constructor(layout: Layout, options: AgentOptions) {
    const db = new HandsetDb(layout.database);
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    const connect = options.connect ?? ((o) => new CenterClient(o));
    const timeouts = options.timeouts;
    this.#connect = timeouts ? (o) => connect({ ...o, timeouts }) : connect;
    this.#identities = new IdentityStore(layout);
    this.#memory = new MemoryStore(db, layout.memory, this.#clock);
    this.#area = new BackupArea(layout.backupArea);
    this.#index = new PartIndex(db);
    this.#profile = new Profile(db);
    this.#settings = new SettingsStore(db);
    this.#history = new HistoryStore(db);
    this.#openBackups = new OpenBackupStore(db);
    this.#rescues = new RescueStore(db);
    this.#device = new DeviceStateStore(db, this.#clock);
    this.#writers = new AreaWriters(db);
  }

  /** Opens the handset in `dir`, creating its layout when new. */
  static async open(dir: string, options: AgentOptions = {}): Promise<HandsetAgent> {
    const layout = layoutOf(resolve(dir));
    await prepareLayout(layout);
    const agent = new HandsetAgent(layout, options);
    const saved = await agent.#identities.load();
    if (saved) agent.#startSession(saved.identity, saved.dataKey);
    return agent;
  }

  async close(): Promise<void> {
    await this.#enrolled?.session.client.close();
    this.#db.close();
  }

  status(): HandsetStatus {
    const identity = this.#enrolled?.session.identity;
    const pending = this.#index.pending();
    const lastBackup = this.#settings.lastBackup();
    const rescueErase = this.#rescues.lastErased();
    return {
      enrolled: identity !== undefined,
      ...(identity
        ? {
            handsetId: identity.handsetId,
            name: identity.name,
            center: identity.center,
            owner: identity.owner,
            ...(identity.phone ? { phone: identity.phone } : {}),
          }
        : {}),
      items: this.#memory.count(),
      pendingParts: pending.parts,
      pendingBytes: pending.bytes,
      pendingVersions: this.#profile.unsentCount(),
      ...(lastBackup ? { lastBackup } : {}),
      stubs: this.#memory
        .offloaded()
        .map((item) => ({ id: item.id, path: item.path, kind: item.kind, size: item.size, summary: item.summary ?? '' })),
      ...(rescueErase ? { rescueErase } : {}),
      device: this.deviceState(),
    };
  }

  settings(): HandsetSettings {
    return this.#settings.get();
  }

  /** Validates and stores a change (USAGE error naming each bad field); a changed schedule is registered at the center. */
  async updateSettings(patch: SettingsPatch): Promise<SettingsUpdate> {
    const before = this.#settings.get().triggers.schedule;
    const settings = this.#settings.update(patch);
    const changed = JSON.stringify(before) !== JSON.stringify(settings.triggers.schedule);
    const schedule = changed && this.#enrolled ? await this.#tryRegisterSchedule() : undefined;
    return { settings, ...(schedule ? { schedule } : {}) };
  }

  /** The CLI's `--set key=value` (keys and value forms in settings/setter.ts). */
  setSetting(key: string, value: string): Promise<SettingsUpdate> {
    return this.updateSettings(settingPatch(key, value));
  }

  /** The owner operates the handset for `forMs` (by the agent's clock); 0 ends it. Seen by every process on this data directory. */
  setBusy(forMs: number): void {
    this.#device.setBusy(forMs);
  }

  setDeviceState(change: { battery?: number; idle?: boolean }): void {
    this.#device.set(change);
  }

  /** The virtual device as readiness sees it. */
  deviceState(): DeviceState & { writing: boolean } {
    return { ...this.#device.get(), writing: this.#writers.writing() };
  }

  /** Whether the handset would answer a center's backup start request OK, or NG and why (B3). */
  readiness(): Readiness {
    return readinessOf({
      writing: this.#writers.writing(),
      operating: this.#device.isOperating(),
      state: this.#device.get(),
      batteryMin: this.#settings.get().batteryMin,
    });
  }

  /** Enrolls at a center (registering the owner on a first handset) and makes the copies items are owed; `rescueCode`: the phone number has a rescue code at the center. */
  async enroll(
    request: EnrollRequest,
  ): Promise<{ handsetId: string; name: string; ownerRegistered: boolean; rescueCode: boolean; schedule: ScheduleRegistration }> {
    if (this.#enrolled) throw new PhoneSafeError('USAGE', `this handset is already enrolled as ${this.#enrolled.session.identity.name}`);
    const { identity, dataKey, ownerRegistered, rescueCode } = await enrollAtCenter(request, this.#connect);
    await this.#identities.save(identity, dataKey);
    const copier = this.#startSession(identity, dataKey);
    await copyUncopied(this.#profile, copier, this.#writes);
    const schedule = (await this.#tryRegisterSchedule()) ?? {
      registered: true,
      schedule: this.#settings.get().triggers.schedule,
      nextRunAt: null,
    };
    return { handsetId: identity.handsetId, name: identity.name, ownerRegistered, rescueCode, schedule };
  }

  /**
   * A save of the files under `src` (B2: each changed file's backup copy is
   * made at once). Other processes see the handset writing its backup area
   * meanwhile. Then the B4 size trigger: if the target copies waiting pass
   * the threshold, a backup runs and its outcome comes with the result.
   */
  async importTree(src: string, options: { onProgress?: ProgressFn } = {}): Promise<ImportResult> {
    const result = await this.#writers.track(() => importTree(resolve(src), this.#memory, this.#save, options.onProgress), true);
    if (!this.#enrolled || !sizeTriggerFires(this.#settings.get(), this.#profile, this.#index)) return result;
    return { ...result, sizeBackup: await this.#triggered('size') };
  }

  /** Writes what is on the handset; offloaded items are counted, not written. */
  exportTree(out: string, options: { onProgress?: ProgressFn } = {}): Promise<ExportResult> {
    return exportTree(resolve(out), this.#memory, options.onProgress);
  }

  /**
   * The owner's "back up now" (B4, immediate). Scope rule: an explicit backup
   * with no kinds covers ALL kinds, as it did before settings had targets
   * (the acceptance test and `phonesafe handset backup` rely on it); backups
   * that triggers start or the center requests cover the settings' targets
   * instead (see #triggered).
   */
  backup(options: BackupOptions = {}): Promise<BackupResult> {
    const scope: BackupScope = options.kinds?.length ? { kinds: options.kinds } : ALL_KINDS;
    return this.#runBackup({ scope, trigger: 'manual', ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  }

  /** B4 specific-action trigger: the handset was switched on. Undefined when the power-on trigger is off. */
  async powerOn(): Promise<TriggeredBackup | undefined> {
    return this.#settings.get().triggers.powerOn ? this.#triggered('power-on') : undefined;
  }

  /**
   * `phonesafe handset run`: the live channel to the center, answering its
   * backup start requests and running the rescue desk's save and erase
   * requests until `signal` aborts (see channel/run-loop.ts and rescue/).
   */
  run(options: RunOptions): Promise<void> {
    const { identity } = this.#link().session;
    const host = {
      endpoint: { url: channelUrl(identity.center), credential: identity.credential, ...(identity.ca ? { ca: identity.ca } : {}) },
      readiness: () => this.readiness(),
      backup: (request: { jobId: string; kinds?: DataKind[] }) => this.#triggered('schedule', request),
      applyPendingRestores: (onFailed: (failure: PendingFailure) => void) =>
        this.#applyPending(this.#restoreDeps(), { deferUnanswerable: true, onFailed }),
      // A lost handset saves and is erased; it does not receive data first (no pending restores).
      rescueSave: (request: { rescueId: string }) =>
        this.#backupTurn((deps) => saveForRescue({ ...deps, rescues: this.#rescues }, request.rescueId), false),
      rescueErase: (request: { rescueId: string; backupId: string }) =>
        this.#backupTurn((deps) => eraseForRescue({ ...deps, rescues: this.#rescues }, request), false),
      revoked: () => this.#unenrol(),
      registerSchedule: () => this.#registerSchedule(),
    };
    return runChannel(host, options);
  }

  /** The center's notices for this handset (B3 "backup could not be made", B4 over quota). */
  notices(): Promise<Notice[]> {
    return this.#link().session.client.notices();
  }

  /** B9: moves items of `kinds` not modified for `olderThanMs` to the center, leaving stubs. */
  offload(request: OffloadRequest): Promise<OffloadResult> {
    const { session } = this.#link();
    const backup = (kinds: DataKind[]) => this.#runBackup({ scope: { kinds }, trigger: 'manual' });
    return offloadItems(
      { session, clock: this.#clock, writes: this.#writes, memory: this.#memory, profile: this.#profile, backup },
      request,
    );
  }

  /** B9: brings an offloaded item (by id or path) back from the center. */
  fetch(itemIdOrPath: string): Promise<FetchResult> {
    const { session } = this.#link();
    return fetchItem({ session, writes: this.#writes, memory: this.#memory, profile: this.#profile }, itemIdOrPath);
  }

  async restore(options: RestoreOptions): Promise<RestoreResult> {
    const deps = this.#restoreDeps();
    await this.#applyPending(deps, {
      ask: options.ask,
      onProgress: options.onProgress,
      deferUnanswerable: true,
      onFailed: options.onPendingFailed,
    });
    // No backup named: the newest version of each item across that handset's backups (restore-engine.ts).
    const from = options.backupId ? { backupId: options.backupId } : { handset: options.fromHandset ?? deps.session.identity.name };
    const plan = { from, kinds: options.kinds ?? null, overwrite: options.overwrite };
    return runRestore(deps, plan, options.ask, options.onProgress);
  }

  /**
   * Applies the restores the owner ordered for this handset and answers those
   * applied; an order that cannot be applied is reported (see
   * pending-restores.ts) and passed to `onFailed`, the others go on.
   */
  applyPendingRestores(options: Omit<PendingOptions, 'deferUnanswerable'> = {}): Promise<RestoreResult[]> {
    return this.#applyPending(this.#restoreDeps(), options);
  }

  /** Local history, and the center's history of this handset (none before enrolment). */
  async history(): Promise<{ local: LocalHistoryEntry[]; center: HistoryEvent[] }> {
    if (!this.#enrolled) return { local: this.#history.list(), center: [] };
    const deps = this.#restoreDeps();
    await this.#applyPendingQuietly(deps);
    const center = await deps.session.client.history();
    return { local: this.#history.list(), center };
  }

  /**
   * A save: the new content becomes the item's next version, and its backup
   * copy is made at once (B2). Counted as writing the backup area from the
   * moment it is queued, for the readiness answer.
   */
  readonly #save: SaveItem = (path, staged) =>
    this.#writers.track(() =>
      this.#writes.run(async () => {
        const item = await this.#memory.commit(path, staged);
        await this.#enrolled?.copier.copy(item);
      }),
    );

  /** The center revoked the credential (identity/unenrol.ts); a second call finds nothing to do. */
  async #unenrol(): Promise<void> {
    const enrolled = this.#enrolled;
    if (!enrolled) return;
    this.#enrolled = undefined;
    await forgetEnrolment({
      db: this.#db,
      writes: this.#writes,
      profile: this.#profile,
      index: this.#index,
      area: this.#area,
      openBackups: this.#openBackups,
      identities: this.#identities,
    });
    await enrolled.session.client.close();
  }

  #runBackup(run: BackupRun): Promise<BackupResult> {
    return this.#backupTurn((deps) => runBackup(deps, run));
  }

  /**
   * Work that must not overlap a backup (a backup, a rescue save or erase).
   * A backup comes after the pending restores, so that what they bring is
   * included; a rescue does not apply them (`applyPending` false).
   */
  async #backupTurn<T>(work: (deps: BackupDeps) => Promise<T>, applyPending = true): Promise<T> {
    const deps = this.#backupDeps();
    if (applyPending) await this.#applyPendingQuietly(deps);
    return this.#backups.run(() => work(deps));
  }

  /**
   * A backup a trigger started (size, power-on) or the center requested
   * (schedule, with its job id). It covers the settings' targets (B1) unless
   * the center's request names kinds. Its failure — QUOTA_EXCEEDED included,
   * the center's NG of B4 — is returned, never thrown.
   */
  async #triggered(trigger: BackupTrigger, request: { jobId?: string; kinds?: DataKind[] } = {}): Promise<TriggeredBackup> {
    try {
      const scope: BackupScope = request.kinds?.length ? { kinds: request.kinds } : { targets: this.#settings.get().targets };
      const result = await this.#runBackup({ scope, trigger, ...(request.jobId ? { jobId: request.jobId } : {}) });
      return { trigger, ok: true, result };
    } catch (error) {
      return { trigger, ok: false, ...failureOf(error) };
    }
  }

  #applyPending(deps: RestoreDeps, options: PendingOptions): Promise<RestoreResult[]> {
    return this.#pendingRestores.run(() => applyPendingRestores(deps, options));
  }

  /**
   * Before a backup or a history call: pending restores never stop them. A
   * failing order is reported by applyPendingRestores; a center out of reach
   * for the listing is the backup's own failure to report, not this one's.
   */
  async #applyPendingQuietly(deps: RestoreDeps): Promise<void> {
    try {
      await this.#applyPending(deps, { deferUnanswerable: true });
    } catch (error) {
      if (!(error instanceof PhoneSafeError)) throw error;
    }
  }

  /** Registers the schedule the center has not heard of yet; undefined when it is up to date or the handset is not enrolled. */
  async #registerSchedule(): Promise<ScheduleView | undefined> {
    const owed = this.#settings.unregisteredSchedule();
    if (!owed || !this.#enrolled) return undefined;
    const view = await this.#enrolled.session.client.putOwnSchedule({ schedule: owed.schedule });
    this.#settings.markScheduleRegistered(owed.schedule);
    return view;
  }

  async #tryRegisterSchedule(): Promise<ScheduleRegistration | undefined> {
    try {
      const view = await this.#registerSchedule();
      return view && { registered: true, schedule: view.schedule, nextRunAt: view.nextRunAt };
    } catch (error) {
      return { registered: false, ...failureOf(error) };
    }
  }

  #startSession(identity: Identity, dataKey: Buffer): Copier {
    const keys = new OwnerKeys(dataKey);
    const client = this.#connect({ baseUrl: identity.center, bearer: identity.credential, ...(identity.ca ? { ca: identity.ca } : {}) });
    const copier = new Copier({
      keys,
      memory: this.#memory,
      area: this.#area,
      index: this.#index,
      profile: this.#profile,
      settings: this.#settings,
    });
    this.#enrolled = { session: { identity, keys, client }, copier };
    return copier;
  }

  #link(): { session: Session; copier: Copier } {
    if (!this.#enrolled) throw new PhoneSafeError('NOT_ENROLLED', 'enroll this handset at a center first');
    return this.#enrolled;
  }

  #restoreDeps(): RestoreDeps {
    const { session } = this.#link();
    return {
      session,
      clock: this.#clock,
      writes: this.#writes,
      memory: this.#memory,
      profile: this.#profile,
      index: this.#index,
      history: this.#history,
    };
  }

  #backupDeps(): BackupDeps {
    const { copier } = this.#link();
    return { ...this.#restoreDeps(), db: this.#db, area: this.#area, copier, settings: this.#settings, openBackups: this.#openBackups };
  }
}
