/** The user area's port (sync-repo.ts) over Kysely. */
import type { ChangeResult, DataKind, DownChange, UpChange } from '@phonesafe/protocol';
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import type { Kysely } from 'kysely';
import type { DownFilter, DownQuery, SyncRepo } from './sync-repo.ts';
import type { AreaItemsTable, SyncSessionsTable, SyncTables } from './sync-tables.ts';

type Db = Kysely<SyncTables>;

export function syncQueries(engine: Engine): SyncRepo {
  const db = tablesOf<SyncTables>(engine);
  return { ...areaReads(db), apply: applyChanges(engine), ...cursorRows(engine, db), ...sessionRows(db) };
}

/**
 * What a terminal has not seen, of its kinds and through its filter (folder
 * references match whole, LIKE '% ref %': a reference is hex, so it holds no
 * LIKE wildcard; tombstones pass the filter), minus its own changes unless at
 * or below its refill mark (a collective erase, sync-repo.ts changesSince).
 */
function downQuery(db: Db, q: DownQuery) {
  return db
    .selectFrom('area_items')
    .where('subscriber_id', '=', q.subscriberId)
    .where('seq', '>', q.after)
    .where('seq', '<=', q.upTo)
    .where('kind', 'in', q.kinds.length > 0 ? q.kinds : ['-'])
    .where((eb) =>
      eb.or([
        eb('origin_terminal', '!=', q.terminalId),
        eb(
          'seq',
          '<=',
          eb
            .selectFrom('area_cursors')
            .select('refill_through')
            .where('area_cursors.subscriber_id', '=', q.subscriberId)
            .where('area_cursors.terminal_id', '=', q.terminalId),
        ),
      ]),
    )
    .$if(q.filter.folders.length > 0, (qb) =>
      qb.where((eb) => eb.or([eb('deleted', '=', 1), ...q.filter.folders.map((ref) => eb('folder_refs', 'like', `% ${ref} %`))])),
    )
    .$if(q.filter.since !== null, (qb) => qb.where((eb) => eb.or([eb('deleted', '=', 1), eb('modified_at', '>=', q.filter.since!)])));
}

function areaReads(db: Db): Pick<SyncRepo, 'lastSeq' | 'changesSince' | 'pendingCount' | 'area'> {
  return {
    async lastSeq(subscriberId) {
      const row = await db.selectFrom('area_counters').select('next_seq').where('subscriber_id', '=', subscriberId).executeTakeFirst();
      return row ? Number(row.next_seq) : 0;
    },

    async changesSince(q) {
      const rows = await downQuery(db, q)
        .select(['guid', 'kind', 'version', 'seq', 'deleted', 'header', 'body'])
        .orderBy('seq')
        .limit(q.limit)
        .execute();
      return rows.map((r): DownChange => ({
        guid: r.guid,
        op: r.deleted ? 'delete' : 'put',
        kind: r.kind as DataKind,
        version: Number(r.version),
        seq: Number(r.seq),
        header: r.header,
        body: r.body,
      }));
    },

    async pendingCount(q) {
      const row = await downQuery(db, q)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async area(subscriberId) {
      const rows = await db
        .selectFrom('area_items')
        .select(['guid', 'kind', 'version', 'seq', 'deleted', 'origin_terminal', 'header'])
        .where('subscriber_id', '=', subscriberId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => ({
        guid: r.guid,
        kind: r.kind as DataKind,
        version: Number(r.version),
        seq: Number(r.seq),
        deleted: r.deleted === 1,
        originTerminal: r.origin_terminal,
        header: r.header,
      }));
    },
  };
}

/** S9: cursor 0 and the refill mark, made or replaced (sync-repo.ts refill). */
function refillCursor(db: Db): SyncRepo['refill'] {
  return async (subscriberId, terminalId, through, at) => {
    await db
      .insertInto('area_cursors')
      .values({ subscriber_id: subscriberId, terminal_id: terminalId, cursor: 0, last_sync_at: at, refill_through: through })
      .onConflict((oc) =>
        oc.columns(['subscriber_id', 'terminal_id']).doUpdateSet({ cursor: 0, last_sync_at: at, refill_through: through }),
      )
      .execute();
  };
}

function cursorRows(engine: Engine, db: Db): Pick<SyncRepo, 'cursor' | 'advanceCursor' | 'cursors' | 'rewindCursor' | 'refill'> {
  return {
    refill: refillCursor(db),
    async rewindCursor(subscriberId, terminalId) {
      await db
        .updateTable('area_cursors')
        .set({ cursor: 0 })
        .where('subscriber_id', '=', subscriberId)
        .where('terminal_id', '=', terminalId)
        .execute();
    },

    async cursor(subscriberId, terminalId) {
      const row = await db
        .selectFrom('area_cursors')
        .select('cursor')
        .where('subscriber_id', '=', subscriberId)
        .where('terminal_id', '=', terminalId)
        .executeTakeFirst();
      return row ? Number(row.cursor) : 0;
    },

    advanceCursor(subscriberId, terminalId, cursor, at) {
      return inTransaction<SyncTables, number>(engine, async (trx) => {
        await trx
          .insertInto('area_cursors')
          .values({ subscriber_id: subscriberId, terminal_id: terminalId, cursor: 0, last_sync_at: at, refill_through: null })
          .onConflict((oc) => oc.columns(['subscriber_id', 'terminal_id']).doNothing())
          .execute();
        const where = { subscriber_id: subscriberId, terminal_id: terminalId };
        const current = await trx
          .selectFrom('area_cursors')
          .select('cursor')
          .where('subscriber_id', '=', where.subscriber_id)
          .where('terminal_id', '=', where.terminal_id)
          .$if(engine.rowLocks, (qb) => qb.forUpdate())
          .executeTakeFirstOrThrow();
        const next = Math.max(Number(current.cursor), cursor);
        await trx
          .updateTable('area_cursors')
          .set({ cursor: next, last_sync_at: at })
          .where('subscriber_id', '=', where.subscriber_id)
          .where('terminal_id', '=', where.terminal_id)
          .execute();
        return next;
      });
    },

    async cursors(subscriberId) {
      const rows = await db.selectFrom('area_cursors').selectAll().where('subscriber_id', '=', subscriberId).execute();
      return new Map(rows.map((r) => [r.terminal_id, { cursor: Number(r.cursor), lastSyncAt: r.last_sync_at }]));
    },
  };
}

function sessionRows(db: Db): Pick<SyncRepo, 'openSession' | 'session' | 'endSession'> {
  return {
    async openSession(row) {
      await db
        .insertInto('sync_sessions')
        .values({
          id: row.id,
          subscriber_id: row.subscriberId,
          terminal_id: row.terminalId,
          handset_id: row.handsetId,
          snapshot: row.snapshot,
          kinds: JSON.stringify(row.kinds),
          filters: JSON.stringify(row.filter),
          direction: row.direction,
          reason: row.reason,
          opened_at: row.openedAt,
          ended_at: null,
        })
        .execute();
    },

    async session(id) {
      const row = await db.selectFrom('sync_sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toSession(row);
    },

    async endSession(id, at) {
      await db.updateTable('sync_sessions').set({ ended_at: at }).where('id', '=', id).where('ended_at', 'is', null).execute();
    },
  };
}

/** SyncRepo.apply: the counter row locked, then each change compared and written. */
function applyChanges(engine: Engine): SyncRepo['apply'] {
  return (subscriberId, terminalId, changes, at) =>
    inTransaction<SyncTables, ChangeResult[]>(engine, async (trx) => {
      await trx
        .insertInto('area_counters')
        .values({ subscriber_id: subscriberId, next_seq: 0 })
        .onConflict((oc) => oc.column('subscriber_id').doNothing())
        .execute();
      const counter = await trx
        .selectFrom('area_counters')
        .select('next_seq')
        .where('subscriber_id', '=', subscriberId)
        .$if(engine.rowLocks, (qb) => qb.forUpdate())
        .executeTakeFirstOrThrow();
      let seq = Number(counter.next_seq);
      const results: ChangeResult[] = [];
      for (const change of changes) {
        const { again, ...result } = await applyOne(trx, subscriberId, terminalId, change, seq + 1, at);
        if ('seq' in result && !again) seq = result.seq;
        results.push(result);
      }
      await trx.updateTable('area_counters').set({ next_seq: seq }).where('subscriber_id', '=', subscriberId).execute();
      return results;
    });
}

/** One change under the counter lock: compare-and-set on baseVersion, then the write with its sequence number. */
async function applyOne(
  trx: Kysely<SyncTables>,
  subscriberId: string,
  terminalId: string,
  change: UpChange,
  seq: number,
  at: string,
): Promise<ChangeResult & { again?: boolean }> {
  const current = await trx
    .selectFrom('area_items')
    .select(['version', 'deleted', 'seq', 'origin_terminal', 'change_tag'])
    .where('subscriber_id', '=', subscriberId)
    .where('guid', '=', change.guid)
    .executeTakeFirst();
  const currentVersion = current ? Number(current.version) : 0;
  // The same change again (its answer was lost): answered as applied, written not again.
  if (current && current.change_tag === change.tag && current.origin_terminal === terminalId && currentVersion === change.baseVersion + 1)
    return { guid: change.guid, version: currentVersion, seq: Number(current.seq), again: true };
  if (currentVersion !== change.baseVersion || (change.op === 'delete' && (!current || current.deleted === 1)))
    return { guid: change.guid, conflict: { version: currentVersion, deleted: current?.deleted === 1 } };
  const version = currentVersion + 1;
  const put = change.op === 'put';
  const row: AreaItemsTable = {
    subscriber_id: subscriberId,
    guid: change.guid,
    kind: change.kind,
    version,
    seq,
    deleted: put ? 0 : 1,
    size: put && change.body ? Buffer.byteLength(change.body, 'base64') : 0,
    header: put ? (change.header ?? null) : null,
    body: put ? (change.body ?? null) : null,
    origin_terminal: terminalId,
    change_tag: change.tag,
    modified_at: change.modifiedAt,
    folder_refs: put && change.folders ? ` ${change.folders.join(' ')} ` : null,
    updated_at: at,
  };
  if (current) {
    const { subscriber_id: _s, guid: _g, ...set } = row;
    await trx.updateTable('area_items').set(set).where('subscriber_id', '=', subscriberId).where('guid', '=', change.guid).execute();
  } else {
    await trx.insertInto('area_items').values(row).execute();
  }
  return { guid: change.guid, version, seq };
}

function toSession(row: SyncSessionsTable) {
  return {
    id: row.id,
    subscriberId: row.subscriber_id,
    terminalId: row.terminal_id,
    handsetId: row.handset_id,
    snapshot: Number(row.snapshot),
    kinds: JSON.parse(row.kinds) as DataKind[],
    filter: row.filters === null ? { folders: [], since: null } : (JSON.parse(row.filters) as DownFilter),
    direction: row.direction,
    reason: row.reason,
    openedAt: row.opened_at,
    endedAt: row.ended_at,
  };
}
