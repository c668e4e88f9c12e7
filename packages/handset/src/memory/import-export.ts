import { stat } from 'node:fs/promises';
import { forEachConcurrent } from '@phonesafe/protocol';
import { TargetDir } from '@phonesafe/protocol/node';
import type { TriggeredBackup } from '../backup/backup-types.ts';
import type { ProgressFn } from '../util/progress.ts';
import type { StagedFile } from '../util/atomic-file.ts';
import { countingBytes } from '../util/progress.ts';
import { readAhead } from '../util/read-ahead.ts';
import type { Item, Memory } from './memory.ts';
import { readPieces, sha256OfFile, walkFiles, type TreeFile } from './tree.ts';

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** With `mirror`: items no longer in the source, deleted from memory (and from every later backup). */
  deleted: number;
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

/** Commits staged content as the item at `path`, changed at `modifiedAt`, and does what follows a save (the backup copy). */
export type SaveItem = (path: string, staged: StagedFile, modifiedAt: string) => Promise<void>;

export interface ImportOptions {
  onProgress?: ProgressFn;
  /** `--mirror`: deletes the items the source no longer has; answers how many went. */
  removeGone?: (gone: readonly Item[]) => Promise<number>;
}

/** Files staged (or hashed, when unchanged) ahead of the one being saved: a phone is mostly small files, each a few file-system round trips. */
const READ_AHEAD = 4;
/** stat() calls in flight while listing the tree. */
const STAT_CONCURRENCY = 16;

type Prepared = { unchanged: true; size: number } | { unchanged: false; existing: boolean; staged: StagedFile };

/**
 * Brings the files under `src` into memory: new paths become items, changed
 * content a new serial version (with the file's modification time),
 * identical content is left alone. Files are streamed, never read whole. A
 * few files are read (hashed, staged) ahead while the current one is saved;
 * saves stay one at a time, in path order.
 */
export async function importTree(src: string, memory: Memory, save: SaveItem, options: ImportOptions = {}): Promise<ImportResult> {
  const { onProgress } = options;
  const files = await listTree(src);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  const report = (bytes: number) => {
    done += bytes;
    onProgress?.({ phase: 'import', done, total, unit: 'bytes' });
  };
  const prepare = async (file: TreeFile & { size: number }): Promise<Prepared> => {
    const existing = memory.byPath(file.relative);
    // Same size is the only case where the content may be the same: hash before copying anything.
    if (existing && existing.size === file.size && (await sha256OfFile(file.absolute)) === existing.sha256) {
      return { unchanged: true, size: file.size };
    }
    return {
      unchanged: false,
      existing: existing !== undefined,
      staged: await memory.stage(countingBytes(readPieces(file.absolute), report)),
    };
  };
  const result: ImportResult = { added: 0, updated: 0, unchanged: 0, deleted: 0, bytes: 0 };
  const discard = (p: Prepared): Promise<void> => (p.unchanged ? Promise.resolve() : memory.discard(p.staged));
  for await (const [file, prepared] of readAhead(files, READ_AHEAD, prepare, discard)) {
    if (prepared.unchanged) {
      result.unchanged++;
      report(prepared.size);
      continue;
    }
    await save(file.relative, prepared.staged, file.modifiedAt);
    if (prepared.existing) result.updated++;
    else result.added++;
    result.bytes += prepared.staged.size;
  }
  if (options.removeGone) {
    const seen = new Set(files.map((f) => f.relative));
    // Stubs (B9) are not on the handset by design: their absence from the source says nothing.
    result.deleted = await options.removeGone(memory.list().filter((item) => !item.offloaded && !seen.has(item.path)));
  }
  return result;
}

async function listTree(src: string): Promise<Array<TreeFile & { size: number; modifiedAt: string }>> {
  const found: TreeFile[] = [];
  for await (const file of walkFiles(src)) found.push(file);
  const files = found.map((file) => ({ ...file, size: 0, modifiedAt: '' }));
  await forEachConcurrent(files, STAT_CONCURRENCY, async (file) => {
    const info = await stat(file.absolute);
    file.size = info.size;
    file.modifiedAt = info.mtime.toISOString();
  });
  return files;
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
    await target.write(item.path, readPieces(memory.contentPath(item.id)), { mode: 0o644, mtime: new Date(item.modifiedAt) });
    done += item.size;
    onProgress?.({ phase: 'export', done, total, unit: 'bytes' });
  }
  return { files: items.length, bytes: total, offloaded: all.length - items.length };
}
