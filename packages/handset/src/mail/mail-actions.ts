import { readFile } from 'node:fs/promises';
import { DATA_KINDS, type DataKind, type MailAnswer, type MailBundleIndex, type OverwritePolicy } from '@phonesafe/protocol';
import { decodeBundle, encodeBundle } from '@phonesafe/protocol/node';
import type { SaveItem } from '../memory/import-export.ts';
import type { Memory } from '../memory/memory.ts';
import type { AskOverwrite } from '../restore/overwrite.ts';

/** The memory (of `kinds`, or all) as one bundle; offloaded stubs have no content here and are left out. */
export async function backupBundle(
  memory: Memory,
  kinds: readonly DataKind[] | undefined,
  now: Date,
  maxBundle: number,
): Promise<{ bundle: Buffer; files: number; bytes: number } | { tooLarge: number }> {
  const items = memory.list().filter((item) => !item.offloaded && (!kinds || kinds.includes(item.kind)));
  const bytes = items.reduce((sum, item) => sum + item.size, 0);
  if (bytes > maxBundle) return { tooLarge: bytes };
  const contents = [];
  for (const item of items) contents.push(await readFile(memory.contentPath(item.id)));
  const index: MailBundleIndex = {
    format: 'phonesafe-mail-bundle',
    version: 1,
    createdAt: now.toISOString(),
    kinds: kinds ? [...kinds] : [...DATA_KINDS],
    files: items.map((item) => ({ path: item.path, kind: item.kind, size: item.size, sha256: item.sha256, modifiedAt: item.modifiedAt })),
  };
  return { bundle: encodeBundle(index, contents), files: items.length, bytes };
}

export interface MailRestoreOutcome {
  status: 'ok' | 'needs-decision';
  restored: number;
  skipped: number;
  alreadyThere: number;
  conflicts: string[];
}

/**
 * Applies a restore bundle as B6 does: a file held with the same content is
 * already there; one held with other content is overwritten only as the
 * policy (or the owner, asked per file) says. With 'ask' and no way to ask,
 * nothing at all is written and the conflicting paths are answered.
 */
export async function applyRestoreBundle(
  memory: Memory,
  save: SaveItem,
  bundle: Buffer,
  policy: OverwritePolicy,
  ask?: AskOverwrite,
): Promise<MailRestoreOutcome> {
  const { files } = decodeBundle(bundle);
  const write = [];
  const conflicts = [];
  let alreadyThere = 0;
  for (const file of files) {
    const held = memory.byPath(file.meta.path);
    if (!held) write.push(file);
    else if (held.sha256 === file.meta.sha256 && !held.offloaded) alreadyThere++;
    else conflicts.push(file);
  }
  if (policy === 'ask' && !ask && conflicts.length > 0) {
    return { status: 'needs-decision', restored: 0, skipped: 0, alreadyThere, conflicts: conflicts.map((f) => f.meta.path) };
  }
  let standing: 'all' | 'none' | undefined = policy === 'yes' ? 'all' : policy === 'no' ? 'none' : undefined;
  let skipped = 0;
  for (const file of conflicts) {
    const answer = standing ?? (await ask!(file.meta.path));
    if (answer === 'all' || answer === 'none') standing = answer;
    if (answer === 'yes' || answer === 'all') write.push(file);
    else skipped++;
  }
  for (const file of write) {
    const staged = await memory.stage(
      (async function* () {
        yield file.bytes;
      })(),
    );
    await save(file.meta.path, staged, file.meta.modifiedAt);
  }
  return { status: 'ok', restored: write.length, skipped, alreadyThere, conflicts: [] };
}

/** An answer to seal: its header and, for a backup, the bundle. */
export interface Answer {
  header: Extract<MailAnswer, { op: 'backup-response' | 'restore-complete' }>;
  data?: Buffer;
  files?: number;
  bytes?: number;
}

/** M1: the memory of `kinds` as a backup response, or a "too-large" one saying what to change. */
export async function backupAnswer(memory: Memory, kinds: readonly DataKind[] | undefined, now: Date, maxBundle: number): Promise<Answer> {
  const built = await backupBundle(memory, kinds, now, maxBundle);
  if ('tooLarge' in built) {
    const detail = `the data asked for is ${built.tooLarge} bytes; by mail at most ${maxBundle} go in one answer: ask for fewer kinds (--kinds) or use the center`;
    return { header: { op: 'backup-response', status: 'too-large', files: 0, bytes: built.tooLarge, detail }, files: 0, bytes: 0 };
  }
  return {
    header: { op: 'backup-response', status: 'ok', files: built.files, bytes: built.bytes },
    data: built.bundle,
    files: built.files,
    bytes: built.bytes,
  };
}

/** M2: applies a restore and answers the completion notice. */
export async function restoreAnswer(
  memory: Memory,
  save: SaveItem,
  backupId: string,
  bundle: Buffer,
  options: { overwrite?: OverwritePolicy; ask?: AskOverwrite },
): Promise<Answer> {
  const outcome = await applyRestoreBundle(memory, save, bundle, options.overwrite ?? 'ask', options.ask);
  return { header: { op: 'restore-complete', backupId, ...outcome }, files: outcome.restored };
}

/** The mail server refused an answer's mail as too large (552): a small signed answer saying so, and what to change. */
export function tooLargeAnswer(mailBytes: number, maxMailPayload: number): Answer {
  const detail = `the mail server refused a mail of ${mailBytes} bytes as too large; set a smaller mail size on the handset (handset mail-pair --max-mail-payload, now ${maxMailPayload}) or ask for fewer kinds (--kinds)`;
  return { header: { op: 'backup-response', status: 'too-large', files: 0, bytes: 0, detail } };
}
