import { resolve } from 'node:path';
import { CenterClient, OwnerKeys, PhoneSafeError, systemClock, type Clock, type HistoryEvent } from '@phonesafe/protocol';
import { BackupArea } from './backup-area/backup-area.ts';
import { copyUncopied } from './backup-area/catch-up.ts';
import { Copier } from './backup-area/copier.ts';
import { PartIndex } from './backup-area/part-index.ts';
import { Profile } from './backup-area/profile.ts';
import { HandsetDb } from './db/database.ts';
import { HistoryStore, type LocalHistoryEntry } from './history/history-store.ts';
import { enrollAtCenter, type ConnectCenter, type EnrollRequest } from './identity/enroll.ts';
import { IdentityStore, type Identity } from './identity/identity-store.ts';
import { layoutOf, prepareLayout, type Layout } from './layout.ts';
import { exportTree, importTree, type SaveItem } from './memory/import-export.ts';
import { MemoryStore } from './memory/memory-store.ts';
import type { Session } from './session.ts';
import { SettingsStore, type HandsetSettings } from './settings/settings.ts';
import { runBackup, type BackupDeps } from './transfer/backup-engine.ts';
import { OpenBackupStore } from './transfer/open-backup.ts';
import { applyPendingRestores, type PendingOptions } from './transfer/pending-restores.ts';
import { runRestore, type RestoreDeps } from './transfer/restore-engine.ts';
import type { BackupOptions, BackupResult, ExportResult, HandsetStatus, ImportResult, ProgressFn, RestoreOptions, RestoreResult } from './types.ts';
import { Serial } from './util/serial.ts';

export interface AgentOptions {
  clock?: Clock;
  /** How to reach the center; tests put faults here. A plain CenterClient by default. */
  connect?: ConnectCenter;
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
  readonly #memory: MemoryStore;
  readonly #area: BackupArea;
  readonly #index: PartIndex;
  readonly #profile: Profile;
  readonly #settings: SettingsStore;
  readonly #history: HistoryStore;
  readonly #openBackups: OpenBackupStore;
  /** Set once enrolled: the link to the center and the copier that needs the owner's keys. */
  #enrolled: { session: Session; copier: Copier } | undefined;

  private constructor(layout: Layout, options: AgentOptions) {
    const db = new HandsetDb(layout.database);
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    this.#connect = options.connect ?? ((o) => new CenterClient(o));
    this.#identities = new IdentityStore(layout);
    this.#memory = new MemoryStore(db, layout.memory, this.#clock);
    this.#area = new BackupArea(layout.backupArea);
    this.#index = new PartIndex(db);
    this.#profile = new Profile(db);
    this.#settings = new SettingsStore(db);
    this.#history = new HistoryStore(db);
    this.#openBackups = new OpenBackupStore(db);
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
    return {
      enrolled: identity !== undefined,
      ...(identity ? { handsetId: identity.handsetId, name: identity.name, center: identity.center, owner: identity.owner } : {}),
      items: this.#memory.count(),
      pendingParts: pending.parts,
      pendingBytes: pending.bytes,
      pendingVersions: this.#profile.unsentCount(),
      ...(lastBackup ? { lastBackup } : {}),
    };
  }

  settings(): HandsetSettings {
    return this.#settings.get();
  }

  updateSettings(change: Partial<HandsetSettings>): HandsetSettings {
    return this.#settings.update(change);
  }

  /** Enrolls at a center (registering the owner on a first handset) and makes the copies items are owed. */
  async enroll(request: EnrollRequest): Promise<{ handsetId: string; name: string; ownerRegistered: boolean }> {
    if (this.#enrolled) throw new PhoneSafeError('USAGE', `this handset is already enrolled as ${this.#enrolled.session.identity.name}`);
    const { identity, dataKey, ownerRegistered } = await enrollAtCenter(request, this.#connect);
    await this.#identities.save(identity, dataKey);
    const copier = this.#startSession(identity, dataKey);
    await copyUncopied(this.#profile, copier, this.#writes);
    return { handsetId: identity.handsetId, name: identity.name, ownerRegistered };
  }

  importTree(src: string, options: { onProgress?: ProgressFn } = {}): Promise<ImportResult> {
    return importTree(resolve(src), this.#memory, this.#save, options.onProgress);
  }

  exportTree(out: string, options: { onProgress?: ProgressFn } = {}): Promise<ExportResult> {
    return exportTree(resolve(out), this.#memory, options.onProgress);
  }

  async backup(options: BackupOptions = {}): Promise<BackupResult> {
    const deps = this.#backupDeps();
    await applyPendingRestores(deps, { deferUnanswerable: true });
    return this.#backups.run(() => runBackup(deps, options));
  }

  async restore(options: RestoreOptions): Promise<RestoreResult> {
    const deps = this.#restoreDeps();
    await applyPendingRestores(deps, { ask: options.ask, onProgress: options.onProgress, deferUnanswerable: true });
    const from = options.fromHandset ?? deps.session.identity.name;
    const backupId = options.backupId ?? (await deps.session.client.listBackups(from))[0]?.backupId;
    if (!backupId) throw new PhoneSafeError('NOT_FOUND', `handset ${from} has no backup to restore`);
    const plan = { backupId, kinds: options.kinds ?? null, overwrite: options.overwrite, deleteAfter: options.deleteAfter ?? false };
    return runRestore(deps, plan, options.ask, options.onProgress);
  }

  /** Applies the restores the pc ordered for this handset; throws OVERWRITE_REFUSED when one must ask and cannot. */
  applyPendingRestores(options: Omit<PendingOptions, 'deferUnanswerable'> = {}): Promise<RestoreResult[]> {
    return applyPendingRestores(this.#restoreDeps(), options);
  }

  /** Local history, and the center's history of this handset (none before enrolment). */
  async history(): Promise<{ local: LocalHistoryEntry[]; center: HistoryEvent[] }> {
    if (!this.#enrolled) return { local: this.#history.list(), center: [] };
    const deps = this.#restoreDeps();
    await applyPendingRestores(deps, { deferUnanswerable: true });
    const center = await deps.session.client.history();
    return { local: this.#history.list(), center };
  }

  /** A save: the new content becomes the item's next version, and its backup copy is made at once (B2). */
  readonly #save: SaveItem = (path, staged) =>
    this.#writes.run(async () => {
      const item = await this.#memory.commit(path, staged);
      await this.#enrolled?.copier.copy(item);
    });

  #startSession(identity: Identity, dataKey: Buffer): Copier {
    const keys = new OwnerKeys(dataKey);
    const client = this.#connect({ baseUrl: identity.center, bearer: identity.credential, ...(identity.ca ? { ca: identity.ca } : {}) });
    const copier = new Copier({ keys, memory: this.#memory, area: this.#area, index: this.#index, profile: this.#profile, settings: this.#settings });
    this.#enrolled = { session: { identity, keys, client }, copier };
    return copier;
  }

  #link(): { session: Session; copier: Copier } {
    if (!this.#enrolled) throw new PhoneSafeError('NOT_ENROLLED', 'enroll this handset at a center first');
    return this.#enrolled;
  }

  #restoreDeps(): RestoreDeps {
    const { session } = this.#link();
    return { session, clock: this.#clock, writes: this.#writes, memory: this.#memory, profile: this.#profile, index: this.#index, history: this.#history };
  }

  #backupDeps(): BackupDeps {
    const { copier } = this.#link();
    return { ...this.#restoreDeps(), db: this.#db, area: this.#area, copier, settings: this.#settings, openBackups: this.#openBackups };
  }
}
