/**
 * Upload (S5): every addition, change and deletion of the terminal's kinds
 * since its last sync, sealed under the kind's collection key, in pages.
 * Each change carries a tag kept with it until answered, so one sent again
 * after a lost answer is recognised (sync.md).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { filterCutoff, PhoneSafeError, SYNC_INLINE_MAX_BYTES, SYNC_PAGE, type UpChange } from '@phonesafe/protocol';
import { newGuid, sealBody, sealHeader } from '@phonesafe/protocol/node';
import type { Item } from '../memory/memory.ts';
import type { SyncedItem } from './sync-records.ts';
import type { EngineDeps, OpenSession, SessionLimits, SyncResult } from './sync-types.ts';

interface Pending {
  change: UpChange;
  record: SyncedItem;
  /** The item's size (0 for a deletion): what S10's byte cap counts. */
  bytes: number;
}

const NO_LIMITS: SessionLimits = { maxBytes: null, until: null };

/**
 * Conflicts the center answered: resolved by the download that follows (sync.md "Conflicts").
 * Answers false when `limits` stopped it before every change was sent: the rest keep their tags and stay pending.
 */
export async function uploadChanges(deps: EngineDeps, open: OpenSession, result: SyncResult, limits = NO_LIMITS): Promise<boolean> {
  const all = await pendingChanges(deps, open);
  const pending = withinBytes(all, limits.maxBytes);
  for (let i = 0; i < pending.length; i += SYNC_PAGE) {
    if (limits.until !== null && deps.clock.now().getTime() >= limits.until) return false;
    const page = pending.slice(i, i + SYNC_PAGE);
    const { results } = await deps.session.client.sync().upload(
      open.sessionId,
      page.map((p) => p.change),
    );
    for (const [n, answer] of results.entries()) {
      const { change, record } = page[n]!;
      if ('conflict' in answer) continue;
      if (change.op === 'delete') {
        deps.records.forget(change.guid);
        result.uploadedDeletions.push(record.path);
      } else {
        deps.records.put({ ...record, version: answer.version, sha256: record.pendingSha256!, pendingTag: null, pendingSha256: null });
        result.uploaded.push(record.path);
      }
    }
  }
  return pending.length === all.length;
}

/** The changes, in order, while their bytes fit the cap (null: all). */
function withinBytes(pending: Pending[], maxBytes: number | null): Pending[] {
  if (maxBytes === null) return pending;
  let sum = 0;
  const fits = pending.findIndex((p) => (sum += p.bytes) > maxBytes);
  return fits === -1 ? pending : pending.slice(0, fits);
}

/** An addition or change, sealed for the version the center will give it (baseVersion + 1). */
function sealedPut(key: Buffer, next: SyncedItem, item: Item, content: Buffer, folders: string[]): UpChange {
  const version = next.version + 1;
  return {
    guid: next.guid,
    op: 'put',
    kind: item.kind,
    baseVersion: next.version,
    tag: next.pendingTag!,
    modifiedAt: item.modifiedAt,
    folders,
    header: sealHeader(key, next.guid, version, { path: item.path, sha256: item.sha256, size: item.size }),
    body: sealBody(key, next.guid, version, content),
  };
}

/**
 * S7 at the upload: an item passes when it lies below one of the terminal's
 * folders (none named: any) and changed within its months (none: any time).
 * Answers the item's folder references to send, or null for an item left out.
 */
function throughFilters(deps: EngineDeps, open: OpenSession, item: Item): string[] | null {
  const folders = deps.session.keys.folderRefsOf(open.number, item.path);
  const { folders: wanted, sinceMonths } = open.filters;
  if (wanted.length > 0 && !folders.some((ref) => wanted.includes(ref))) return null;
  if (sinceMonths !== undefined && item.modifiedAt < filterCutoff(deps.clock.now(), sinceMonths)) return null;
  return folders;
}

/** What this terminal has not reflected at the center: new or changed items of its kinds and filters, and synced items it deleted. */
async function pendingChanges(deps: EngineDeps, open: OpenSession): Promise<Pending[]> {
  const { records, memory } = deps;
  const synced = records.items(open.number);
  const out: Pending[] = [];
  for (const item of memory.list()) {
    if (item.offloaded || !open.keys.has(item.kind)) continue;
    const record = synced.find((s) => s.itemId === item.id) ?? records.byItem(item.id);
    if (record && record.subscriber !== open.number) continue;
    if (record && record.sha256 === item.sha256 && record.version > 0) continue;
    const folders = throughFilters(deps, open, item);
    if (!folders) continue;
    if (item.size > SYNC_INLINE_MAX_BYTES)
      throw new PhoneSafeError(
        'SYNC_ITEM_TOO_LARGE',
        `${item.path} is larger than a sync message carries (large items are not synced yet)`,
      );
    const tag = record?.pendingTag && record.pendingSha256 === item.sha256 ? record.pendingTag : randomBytes(16).toString('hex');
    const next: SyncedItem = {
      guid: record?.guid ?? newGuid(),
      subscriber: open.number,
      itemId: item.id,
      path: item.path,
      kind: item.kind,
      version: record?.version ?? 0,
      sha256: record?.sha256 ?? '',
      pendingTag: tag,
      pendingSha256: item.sha256,
    };
    records.put(next);
    const content = await readFile(memory.contentPath(item.id));
    out.push({ change: sealedPut(open.keys.get(item.kind)!, next, item, content, folders), record: next, bytes: item.size });
  }
  for (const record of synced) {
    if (memory.byId(record.itemId) || !open.keys.has(record.kind)) continue;
    if (record.version === 0) {
      // Made and deleted before the center ever accepted it: nothing to tell.
      records.forget(record.guid);
      continue;
    }
    const tag = record.pendingTag ?? randomBytes(16).toString('hex');
    if (!record.pendingTag) records.put({ ...record, pendingTag: tag, pendingSha256: null });
    const change: UpChange = {
      guid: record.guid,
      op: 'delete',
      kind: record.kind,
      baseVersion: record.version,
      tag,
      modifiedAt: deps.clock.now().toISOString(),
    };
    out.push({ change, record, bytes: 0 });
  }
  return out;
}
