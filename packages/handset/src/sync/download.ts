/**
 * Download (S5): what this terminal has not seen minus its own changes, in
 * pages, applied to the memory as saves and deletions; then the session's
 * end tells the center how far it was applied, and only then does the
 * cursor move. A version already held is skipped, so a download applied
 * twice (a handset killed before its end) changes nothing. Conflicts are
 * resolved here, where the plaintext is (sync.md "Conflicts").
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { type DownChange, PhoneSafeError } from '@phonesafe/protocol';
import { openBody, openHeader, sha256Hex } from '@phonesafe/protocol/node';
import type { EngineDeps, OpenSession, SyncResult } from './sync-types.ts';

/** Applies every page through the snapshot; answers the last sequence number applied. */
export async function downloadChanges(deps: EngineDeps, open: OpenSession, result: SyncResult, label: string): Promise<number> {
  let after = open.cursor;
  for (;;) {
    const page = await deps.session.client.sync().download(open.sessionId, after);
    for (const change of page.changes) {
      await applyChange(deps, open, change, result, label);
      after = change.seq;
    }
    if (!page.more) return open.snapshot;
    after = page.next;
  }
}

async function applyChange(deps: EngineDeps, open: OpenSession, change: DownChange, result: SyncResult, label: string): Promise<void> {
  const key = open.keys.get(change.kind);
  if (!key) return;
  const known = deps.records.byGuid(change.guid);
  if (known && known.version >= change.version) return;
  if (change.op === 'delete') return applyDelete(deps, change, result);
  if (change.header === null || change.body === null) throw new PhoneSafeError('BAD_REQUEST', `change ${change.guid} has no content`);
  const header = openHeader(key, change.guid, change.version, change.header);
  const content = openBody(key, change.guid, change.version, change.body);
  if (sha256Hex(content) !== header.sha256) throw new PhoneSafeError('DECRYPT_FAILED', `item ${header.path} does not match its hash`);
  const local = known ? deps.memory.byId(known.itemId) : deps.memory.byPath(header.path);
  const dirty = local !== undefined && local.sha256 !== header.sha256 && (!known || local.sha256 !== known.sha256);
  if (dirty && local) {
    // Keep both: the other terminal's version at the name, this one's as a conflict copy (a new item, uploaded next).
    const copy = conflictPath(local.path, label);
    await deps.writer.saveBytes(copy, await readFile(deps.memory.contentPath(local.id)));
    result.conflicts.push({ path: header.path, copy, kind: known && !deps.memory.byId(known.itemId) ? 'delete-edit' : 'edit-edit' });
  } else if (known && !local) {
    result.conflicts.push({ path: header.path, copy: null, kind: 'delete-edit' });
  }
  const saved = local?.sha256 === header.sha256 && local.path === header.path ? local : await deps.writer.saveBytes(header.path, content);
  if (local && local.path !== header.path && local.id !== saved.id) await deps.writer.deleteItem(local.path);
  deps.records.put({
    guid: change.guid,
    subscriber: open.number,
    itemId: saved.id,
    path: header.path,
    kind: change.kind,
    version: change.version,
    sha256: header.sha256,
    pendingTag: null,
    pendingSha256: null,
  });
  result.downloaded.push(header.path);
}

/** A deletion: applied when the item is as last synced; an edit made here beats it (kept, and sent again on the tombstone). */
async function applyDelete(deps: EngineDeps, change: DownChange, result: SyncResult): Promise<void> {
  const known = deps.records.byGuid(change.guid);
  if (!known) return;
  const local = deps.memory.byId(known.itemId);
  if (local && local.sha256 !== known.sha256) {
    deps.records.put({ ...known, version: change.version, pendingTag: null, pendingSha256: null });
    result.conflicts.push({ path: local.path, copy: null, kind: 'edit-delete' });
    return;
  }
  if (local) await deps.writer.deleteItem(local.path);
  deps.records.forget(change.guid);
  result.downloadedDeletions.push(known.path);
}

/** `contacts/alice.vcf` → `contacts/alice (conflict phone-b).vcf`. */
export function conflictPath(path: string, label: string): string {
  const ext = posix.extname(path);
  const stem = path.slice(0, path.length - ext.length);
  return `${stem} (conflict ${label.replace(/[/\\]/g, '-')})${ext}`;
}
