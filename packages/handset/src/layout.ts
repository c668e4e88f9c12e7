import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName, PRIVATE_FILE_MODE } from './util/atomic-file.ts';

/**
 * The handset's data directory. This module is the one place that knows it:
 *
 *   DIR/handset.db          SQLite: items, profile, part index, settings, open backup, history
 *   DIR/memory/<itemId>     the current content of each item (the handset's "memory")
 *   DIR/backup-area/<partId> sealed parts waiting to be sent to the center
 *   DIR/identity.json       center URL, handset id/name/credential, owner e-mail (mode 0600)
 *   DIR/data.key            the unwrapped owner data key, raw 32 bytes (mode 0600)
 *   DIR/card/card.db        the IC card (card/card-db.ts): its own SQLite, never under memory/ or
 *                           backup-area/, so never in a backup, a sync or a rescue save
 *   DIR/run.lock            the pid of the `handset run` holding the live channel (run-lock.ts)
 *   DIR/sim.json            the virtual SIM while it is in the card reader (sync.md)
 *
 * Files are written to a `.tmp-*` name in the same folder and renamed into
 * place, so a killed process leaves at most temporary files, removed at open.
 * Everything here is the handset user's alone: folders 0700 (tightened at
 * open when they existed with looser modes), files 0600.
 */
export interface Layout {
  root: string;
  database: string;
  memory: string;
  backupArea: string;
  identity: string;
  dataKey: string;
  /** The IC card's folder, apart from the handset's memory. */
  card: string;
  runLock: string;
  sim: string;
}

export function layoutOf(root: string): Layout {
  return {
    root,
    database: join(root, 'handset.db'),
    memory: join(root, 'memory'),
    backupArea: join(root, 'backup-area'),
    identity: join(root, 'identity.json'),
    dataKey: join(root, 'data.key'),
    card: join(root, 'card'),
    runLock: join(root, 'run.lock'),
    sim: join(root, 'sim.json'),
  };
}

const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates the folders of a new handset (or tightens those of an existing
 * one), clears what an interrupted write left behind, and creates the
 * database file 0600 before SQLite opens it (SQLite gives its -wal and -shm
 * files the database file's mode).
 */
export async function prepareLayout(layout: Layout): Promise<void> {
  for (const dir of [layout.root, layout.memory, layout.backupArea]) {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await chmod(dir, PRIVATE_DIR_MODE);
    for (const name of await readdir(dir)) {
      if (isTempName(name)) await rm(join(dir, name), { force: true });
    }
  }
  await (await open(layout.database, 'a', PRIVATE_FILE_MODE)).close();
  for (const file of [layout.database, `${layout.database}-wal`, `${layout.database}-shm`]) {
    await chmod(file, PRIVATE_FILE_MODE).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

/** Whether DIR holds a handset: its database file is the mark (an enrolment or a first open made it). */
export function hasHandset(layout: Layout): boolean {
  return existsSync(layout.database);
}

/**
 * Undoes a first open that must leave nothing (a failed enrolment): removes
 * every file and folder of the layout, and DIR itself when the open made it
 * and nothing else is in it. Never called on a directory that held a handset before.
 */
export async function discardLayout(layout: Layout, made: { directory: boolean }): Promise<void> {
  for (const path of [layout.memory, layout.backupArea, layout.identity, layout.dataKey, layout.runLock]) {
    await rm(path, { recursive: true, force: true });
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${layout.database}${suffix}`, { force: true });
  if (!made.directory) return;
  await rmdir(layout.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'ENOENT') throw error;
  });
}
