/** The subscriber DB's port (subscriber-repo.ts) over Kysely. */
import type { DataKind, TerminalFilters } from '@phonesafe/protocol';
import type { Kysely } from 'kysely';
import { type Engine, insertUnique, tablesOf } from '@phonesafe/server-kit';
import type { SubscriberRepo, SubscriberRow, TerminalRow } from './subscriber-repo.ts';
import type { SubscribersTable, SubscriberTables, TerminalsTable } from './subscriber-tables.ts';

type Db = Kysely<SubscriberTables>;

export function subscriberQueries(engine: Engine): SubscriberRepo {
  const db = tablesOf<SubscriberTables>(engine);
  return { ...subscriberRows(engine, db), ...terminalReads(db), ...terminalWrites(db) };
}

function subscriberRows(engine: Engine, db: Db): Pick<SubscriberRepo, 'create' | 'byNumber' | 'byId' | 'update'> {
  return {
    async byId(id) {
      const row = await db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toSubscriber(row);
    },

    async create(row) {
      await insertUnique(engine, 'SYNC_SUBSCRIBER_EXISTS', () =>
        db
          .insertInto('subscribers')
          .values({
            id: row.id,
            owner_id: row.ownerId,
            number: row.number,
            security: JSON.stringify(row.security),
            pin_hash: row.pinHash,
            keys: JSON.stringify(row.keys),
            created_at: row.createdAt,
          })
          .execute(),
      );
    },

    async byNumber(number) {
      const row = await db.selectFrom('subscribers').selectAll().where('number', '=', number).executeTakeFirst();
      return row && toSubscriber(row);
    },

    async update(id, change) {
      const set: Partial<SubscribersTable> = {};
      if (change.security !== undefined) set.security = JSON.stringify(change.security);
      if (change.pinHash !== undefined) set.pin_hash = change.pinHash;
      if (Object.keys(set).length > 0) await db.updateTable('subscribers').set(set).where('id', '=', id).execute();
    },
  };
}

function terminalReads(db: Db): Pick<SubscriberRepo, 'terminals' | 'terminal'> {
  const terminalQuery = () =>
    db.selectFrom('terminals').leftJoin('handsets', 'handsets.id', 'terminals.handset_id').selectAll('terminals').select('handsets.name');
  return {
    async terminals(subscriberId) {
      const rows = await terminalQuery().where('terminals.subscriber_id', '=', subscriberId).orderBy('terminals.registered_at').execute();
      return rows.map(toTerminal);
    },

    async terminal(subscriberId, terminalId) {
      const row = await terminalQuery()
        .where('terminals.subscriber_id', '=', subscriberId)
        .where('terminals.terminal_id', '=', terminalId)
        .executeTakeFirst();
      return row && toTerminal(row);
    },
  };
}

function terminalWrites(db: Db): Pick<SubscriberRepo, 'putTerminal' | 'setTargets' | 'markSim'> {
  return {
    async putTerminal(row) {
      const values = {
        subscriber_id: row.subscriberId,
        terminal_id: row.terminalId,
        type: row.type,
        handset_id: row.handsetId,
        password_hash: row.passwordHash,
        kinds: JSON.stringify(row.kinds),
        filters: null,
        registered_via: row.registeredVia,
        registered_at: row.registeredAt,
        sim_mounted_at: null,
        sim_removed_at: null,
      };
      const { handset_id, password_hash, kinds, registered_via, registered_at } = values;
      await db
        .insertInto('terminals')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['subscriber_id', 'terminal_id']).doUpdateSet({ handset_id, password_hash, kinds, registered_via, registered_at }),
        )
        .execute();
    },

    async setTargets(subscriberId, terminalId, change) {
      const result = await db
        .updateTable('terminals')
        .set({
          ...(change.kinds ? { kinds: JSON.stringify(change.kinds) } : {}),
          ...(change.filters ? { filters: JSON.stringify(change.filters) } : {}),
        })
        .where('subscriber_id', '=', subscriberId)
        .where('terminal_id', '=', terminalId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async markSim(subscriberId, terminalId, mounted, at) {
      const result = await db
        .updateTable('terminals')
        .set(mounted ? { sim_mounted_at: at } : { sim_removed_at: at })
        .where('subscriber_id', '=', subscriberId)
        .where('terminal_id', '=', terminalId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function toSubscriber(row: SubscribersTable): SubscriberRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    number: row.number,
    security: JSON.parse(row.security) as SubscriberRow['security'],
    pinHash: row.pin_hash,
    keys: JSON.parse(row.keys) as SubscriberRow['keys'],
    createdAt: row.created_at,
  };
}

function toTerminal(row: TerminalsTable & { name: string | null }): TerminalRow {
  return {
    subscriberId: row.subscriber_id,
    terminalId: row.terminal_id,
    type: row.type,
    handsetId: row.handset_id,
    handsetName: row.name,
    passwordHash: row.password_hash,
    kinds: JSON.parse(row.kinds) as DataKind[],
    filters: row.filters === null ? { folders: [] } : (JSON.parse(row.filters) as TerminalFilters),
    registeredVia: row.registered_via,
    registeredAt: row.registered_at,
    simMountedAt: row.sim_mounted_at,
    simRemovedAt: row.sim_removed_at,
  };
}
