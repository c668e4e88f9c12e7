import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName } from './util/atomic-file.ts';

/**
 * The handset's data directory. This module is the one place that knows it:
 *
 *   DIR/handset.db          SQLite: items, profile, part index, settings, open backup, history
 *   DIR/memory/<itemId>     the current content of each item (the handset's "memory")
 *   DIR/backup-area/<partId> sealed parts waiting to be sent to the center
 *   DIR/identity.json       center URL, handset id/name/credential, owner e-mail (mode 0600)
 *   DIR/data.key            the unwrapped owner data key, raw 32 bytes (mode 0600)
 *
 * Files are written to a `.tmp-*` name in the same folder and renamed into
 * place, so a killed process leaves at most temporary files, removed at open.
 */
export interface Layout {
  root: string;
  database: string;
  memory: string;
  backupArea: string;
  identity: string;
  dataKey: string;
}

export function layoutOf(root: string): Layout {
  return {
    root,
    database: join(root, 'handset.db'),
    memory: join(root, 'memory'),
    backupArea: join(root, 'backup-area'),
    identity: join(root, 'identity.json'),
    dataKey: join(root, 'data.key'),
  };
}

/** Creates the folders of a new handset and clears what an interrupted write left behind. */
export async function prepareLayout(layout: Layout): Promise<void> {
  await mkdir(layout.root, { recursive: true, mode: 0o700 });
  for (const dir of [layout.root, layout.memory, layout.backupArea]) {
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      if (isTempName(name)) await rm(join(dir, name), { force: true });
    }
  }
}
