import { systemClock, type Clock } from '@phonesafe/protocol';
import { CenterClient, type HttpTimeouts } from '@phonesafe/protocol/node';
import { BackupArea } from './backup-area/backup-area.ts';
import { PartIndex } from './backup-area/part-index.ts';
import { VersionRecords } from './backup-area/version-records.ts';
import { OpenBackupRecord } from './backup/open-backup.ts';
import { HandsetDb } from './db/database.ts';
import { AreaWriters } from './device/area-writers.ts';
import { DeviceStateTable } from './device/device-state.ts';
import { HistoryTable } from './history/history-table.ts';
import type { ConnectCenter } from './identity/enroll.ts';
import { IdentityFiles } from './identity/identity-files.ts';
import type { Layout } from './layout.ts';
import { Memory } from './memory/memory.ts';
import { RescueRecords } from './rescue/rescue-records.ts';
import { SessionSlot } from './session.ts';
import { SettingsTable } from './settings/settings-table.ts';
import { SyncRecords } from './sync/sync-records.ts';
import { Serial } from './util/serial.ts';

export interface AgentOptions {
  clock?: Clock;
  /** How to reach the center; tests put faults here. A plain CenterClient by default. */
  connect?: ConnectCenter;
  /** Connect and inactivity timeouts of every request to the center (the client's defaults otherwise). */
  timeouts?: HttpTimeouts;
  /** scrypt cost of the wallet PIN (PHONESAFE_WALLET_SCRYPT_N; tests lower it). */
  walletScryptN?: number;
}

/**
 * Everything one handset data directory is made of (layout.ts,
 * docs/design/handset-storage.md), built once when the agent opens it: the
 * database and the wrappers of its tables and files, the locks every
 * capability shares, the clock, the way to the center and the session.
 * Capability modules take the part they need as a `Pick` of it, so a
 * module's type says what it touches.
 */
export interface HandsetContext {
  readonly layout: Layout;
  readonly db: HandsetDb;
  readonly clock: Clock;
  /** Opens a client to the center, with the agent's timeouts. */
  readonly connect: ConnectCenter;
  readonly identities: IdentityFiles;
  readonly memory: Memory;
  readonly area: BackupArea;
  readonly index: PartIndex;
  readonly versions: VersionRecords;
  readonly settings: SettingsTable;
  readonly history: HistoryTable;
  readonly openBackups: OpenBackupRecord;
  readonly rescues: RescueRecords;
  readonly device: DeviceStateTable;
  readonly writers: AreaWriters;
  /** SIM sync: this terminal, the SIM slot, area 6b, the synced items (sync.md). */
  readonly sync: SyncRecords;
  /**
   * Writes to the memory and the backup area, one item at a time, and a
   * backup's clean-up: the clean-up never sees a copy half made. Sending a
   * backup runs outside it, so the memory may change meanwhile (SPEC B2).
   */
  readonly writes: Serial;
  /** One backup (or rescue save or erase) at a time: a second call waits, then sends what is new since. */
  readonly backups: Serial;
  /** Pending restores are applied by one caller at a time, so an order is never applied twice. */
  readonly pendingRestores: Serial;
  /** The link to the center once enrolled. */
  readonly session: SessionSlot;
}

/** Opens the database of a prepared layout (prepareLayout) and builds the context around it. */
export function openContext(layout: Layout, options: AgentOptions): HandsetContext {
  const db = new HandsetDb(layout.database);
  const clock = options.clock ?? systemClock;
  const connect = options.connect ?? ((o) => new CenterClient(o));
  const { timeouts } = options;
  return {
    layout,
    db,
    clock,
    connect: timeouts ? (o) => connect({ ...o, timeouts }) : connect,
    identities: new IdentityFiles(layout),
    memory: new Memory(db, layout.memory, clock),
    area: new BackupArea(layout.backupArea),
    index: new PartIndex(db),
    versions: new VersionRecords(db),
    settings: new SettingsTable(db),
    history: new HistoryTable(db),
    openBackups: new OpenBackupRecord(db),
    rescues: new RescueRecords(db),
    device: new DeviceStateTable(db, clock),
    writers: new AreaWriters(db),
    sync: new SyncRecords(db),
    writes: new Serial(),
    backups: new Serial(),
    pendingRestores: new Serial(),
    session: new SessionSlot(),
  };
}
