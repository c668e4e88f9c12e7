import { stat } from 'node:fs/promises';
import { TargetDir } from '@phonesafe/protocol/node';
import type { TriggeredBackup } from '../backup/backup-types.ts';
import type { ProgressFn } from '../util/progress.ts';
import type { StagedFile } from '../util/atomic-file.ts';
import { countingBytes } from '../util/progress.ts';
import type { Memory } from './memory.ts';
import { readPieces, sha256OfFile, walkFiles, type TreeFile } from './tree.ts';

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Bytes of new content written to memory (added and updated items). */
  bytes: number;
  /** The B4 size trigger fired after this save: the backup it ran. */
  sizeBackup?: TriggeredBackup;
  /** Said before the save (sync: no SIM inserted, the change may conflict, [0068]). */
  warning?: string;
}

export interface ExportResult {
  files: number;
  bytes: number;
  /** Offloaded items (B9) not written: their content is at the center; `fetch` brings one back. */
  offloaded: number;
}

/** Commits staged content as the item at `path` and does what follows a save (the backup copy). */
export type SaveItem = (path: string, staged: StagedFile) => Promise<void>;

/**
 * Brings the files under `src` into memory: new paths become items, changed
 * content a new serial version, identical content is left alone. Files are
 * streamed, never read whole.
 */
export async function importTree(src: string, memory: Memory, save: SaveItem, onProgress?: ProgressFn): Promise<ImportResult> {
  const files: Array<TreeFile & { size: number }> = [];
  for await (const file of walkFiles(src)) files.push({ ...file, size: (await stat(file.absolute)).size });
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  const report = (bytes: number) => {
    done += bytes;
    onProgress?.({ phase: 'import', done, total, unit: 'bytes' });
  };
  const result: ImportResult = { added: 0, updated: 0, unchanged: 0, bytes: 0 };
  for (const file of files) {
    const existing = memory.byPath(file.relative);
    // Same size is the only case where the content may be the same: hash before copying anything.
    if (existing && existing.size === file.size && (await sha256OfFile(file.absolute)) === existing.sha256) {
      result.unchanged++;
      report(file.size);
      continue;
    }
    const staged = await memory.stage(countingBytes(readPieces(file.absolute), report));
    await save(file.relative, staged);
    if (existing) result.updated++;
    else result.added++;
    result.bytes += staged.size;
  }
  return result;
}

/**
 * Writes every item the handset holds under `out` at its path, byte for
 * byte. Offloaded items (B9) are not on the handset: they are counted, not
 * written; `fetch` brings one back first. `out` is the owner's choice; below
 * it nothing is written through a symbolic link, and every path is checked
 * before anything is created (TargetDir).
 */
export async function exportTree(out: string, memory: Memory, onProgress?: ProgressFn): Promise<ExportResult> {
  const all = memory.list();
  const items = all.filter((item) => !item.offloaded);
  const total = items.reduce((sum, item) => sum + item.size, 0);
  const target = await TargetDir.open(
    out,
    items.map((item) => item.path),
  );
  let done = 0;
  for (const item of items) {
    await target.write(item.path, readPieces(memory.contentPath(item.id)), { mode: 0o644 });
    done += item.size;
    onProgress?.({ phase: 'export', done, total, unit: 'bytes' });
  }
  return { files: items.length, bytes: total, offloaded: all.length - items.length };
}
