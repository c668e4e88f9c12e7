/** The rescues' port (rescue-repo.ts) over Kysely. */
import type { Kysely } from 'kysely';
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import {
  OPEN_RESCUE_STATES,
  type DueRescues,
  type RescueMatch,
  type RescueRepo,
  type RescueRow,
  type RescueStatus,
  type RescueUpdate,
} from './rescue-repo.ts';
import { rescueChanges, rescueValues, toRescue } from './rescue-rows.ts';
import type { RescueTables } from './rescue-tables.ts';

type Db = Kysely<RescueTables>;

/** States in which the center still keeps the rescue's saved data (R4 applies). */
const KEPT_STATES = ['saved', 'erased', 'restored'] as const satisfies readonly RescueStatus[];
/** States in which the handset has yet to send its memory (R5 applies). */
const TO_SAVE_STATES = ['waiting-for-handset', 'saving'] as const satisfies readonly RescueStatus[];

export function rescueQueries(engine: Engine): RescueRepo {
  const db = tablesOf<RescueTables>(engine);
  return { ...lookups(db), ...changes(engine, db) };
}

function lookups(db: Db): Omit<RescueRepo, 'create' | 'transition' | 'takeDue'> {
  return {
    async find(id) {
      const row = await db.selectFrom('rescues').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRescue(row);
    },

    findOpen: (phone) => findOpen(db, phone),

    async listByPhone(ownerId, phone) {
      const rows = await db
        .selectFrom('rescues')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('phone', '=', phone)
        .orderBy('requested_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toRescue);
    },

    async findByBackup(backupId) {
      const row = await db.selectFrom('rescues').selectAll().where('backup_id', '=', backupId).executeTakeFirst();
      return row && toRescue(row);
    },

    async listForChannel(handsetId) {
      const rows = await db
        .selectFrom('rescues')
        .selectAll()
        .where('handset_id', '=', handsetId)
        .where((eb) =>
          eb.or([eb('status', 'in', TO_SAVE_STATES), eb.and([eb('status', 'in', ['saved', 'restored']), eb('erased_at', 'is', null)])]),
        )
        .orderBy('requested_at')
        .orderBy('id')
        .execute();
      return rows.map(toRescue);
    },
  };
}

function changes(engine: Engine, db: Db): Pick<RescueRepo, 'create' | 'transition' | 'takeDue'> {
  return {
    async create(row) {
      try {
        await db.insertInto('rescues').values(rescueValues(row)).execute();
        return true;
      } catch (error) {
        // rescues_one_open: another request (maybe on another center) made the open rescue first.
        if (engine.isUniqueViolation(error) && (await findOpen(db, row.phone))) return false;
        throw error;
      }
    },

    transition: (match, update) => transition(db, match, update),

    async takeDue(which, bound, limit, decide) {
      return inTransaction<RescueTables, Array<{ before: RescueRow; after: RescueRow }>>(engine, async (trx) => {
        const rows = await dueQuery(trx, which, bound)
          .orderBy('id')
          .limit(limit)
          // Another center's sweep holds its rows; take the others rather than wait.
          .$if(engine.rowLocks, (qb) => qb.forUpdate().skipLocked())
          .execute();
        const taken = [];
        for (const row of rows) {
          const before = toRescue(row);
          const after = await transition(trx, { id: before.id, status: before.status }, decide(before));
          if (after) taken.push({ before, after });
        }
        return taken;
      });
    },
  };
}

async function findOpen(db: Db, phone: string) {
  const row = await db
    .selectFrom('rescues')
    .selectAll()
    .where('phone', '=', phone)
    .where('status', 'in', OPEN_RESCUE_STATES)
    .executeTakeFirst();
  return row && toRescue(row);
}

function dueQuery(db: Db, which: DueRescues, bound: string) {
  const query = db.selectFrom('rescues').selectAll();
  switch (which) {
    case 'warn':
      return query.where('status', 'in', KEPT_STATES).where('warned_at', 'is', null).where('expires_at', '<=', bound);
    case 'expire':
      return query.where('status', 'in', KEPT_STATES).where('expires_at', '<=', bound);
    case 'give-up':
      return query.where('status', 'in', TO_SAVE_STATES).where('window_ends_at', '<=', bound);
  }
}

async function transition(db: Db, match: RescueMatch, update: RescueUpdate) {
  let query = db.updateTable('rescues').set(rescueChanges(update)).where('id', '=', match.id).where('status', '=', match.status);
  if (match.unerased) query = query.where('erased_at', 'is', null);
  if (match.unsealed) query = query.where('control_seal', 'is', null);
  const row = await query.returningAll().executeTakeFirst();
  return row && toRescue(row);
}
