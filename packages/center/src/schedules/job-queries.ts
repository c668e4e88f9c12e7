/** The jobs' port (job-repo.ts) over Kysely. */
import type { Kysely } from 'kysely';
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import { ACTIVE_JOB_STATES, type DueJobs, type JobMatch, type JobRepo, type JobRow, type JobUpdate } from './job-repo.ts';
import { jobChanges, toJob } from './job-rows.ts';
import type { ScheduleTables } from './schedule-tables.ts';

type Db = Kysely<ScheduleTables>;

/** Which status and which time column make a job due for each scheduler step. */
const DUE: Record<DueJobs, { status: 'pending' | 'requested' | 'running'; at: 'due_at' | 'answer_by' | 'run_deadline' }> = {
  due: { status: 'pending', at: 'due_at' },
  'answer-overdue': { status: 'requested', at: 'answer_by' },
  'run-overdue': { status: 'running', at: 'run_deadline' },
};

export function jobQueries(engine: Engine): JobRepo {
  const db = tablesOf<ScheduleTables>(engine);
  return { ...lookups(db), ...changes(engine, db) };
}

function lookups(db: Db): Pick<JobRepo, 'find' | 'findByRequest' | 'findByBackup' | 'findActive' | 'listByHandset'> {
  return {
    async find(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toJob(row);
    },

    async findByRequest(handsetId, requestId) {
      const row = await db
        .selectFrom('jobs')
        .selectAll()
        .where('handset_id', '=', handsetId)
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row && toJob(row);
    },

    async findByBackup(backupId) {
      const row = await db.selectFrom('jobs').selectAll().where('backup_id', '=', backupId).executeTakeFirst();
      return row && toJob(row);
    },

    async findActive(handsetId) {
      const row = await db
        .selectFrom('jobs')
        .selectAll()
        .where('handset_id', '=', handsetId)
        .where('status', 'in', ACTIVE_JOB_STATES)
        .executeTakeFirst();
      return row && toJob(row);
    },

    async listByHandset(handsetId) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('handset_id', '=', handsetId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toJob);
    },
  };
}

function changes(engine: Engine, db: Db): Pick<JobRepo, 'transition' | 'takeDue' | 'cancelActive'> {
  return {
    transition: (match, update) => transition(db, match, update),

    async takeDue(which, now, limit, decide) {
      const { status, at } = DUE[which];
      return inTransaction<ScheduleTables, Array<{ before: JobRow; after: JobRow }>>(engine, async (trx) => {
        const rows = await trx
          .selectFrom('jobs')
          .selectAll()
          .where('status', '=', status)
          .where(at, '<=', now)
          .orderBy(at)
          .orderBy('id')
          .limit(limit)
          // Another center's tick holds its rows; take the others rather than wait.
          .$if(engine.rowLocks, (qb) => qb.forUpdate().skipLocked())
          .execute();
        const taken = [];
        for (const row of rows) {
          const before = toJob(row);
          const after = await transition(trx, { id: before.id, status: before.status, requestId: before.requestId }, decide(before));
          if (after) taken.push({ before, after });
        }
        return taken;
      });
    },

    async cancelActive(handsetId, at) {
      await db
        .updateTable('jobs')
        .set({ status: 'cancelled', answer_by: null, run_deadline: null, updated_at: at })
        .where('handset_id', '=', handsetId)
        .where('status', 'in', ACTIVE_JOB_STATES)
        .execute();
    },
  };
}

async function transition(db: Db, match: JobMatch, update: JobUpdate) {
  let query = db.updateTable('jobs').set(jobChanges(update)).where('id', '=', match.id).where('status', '=', match.status);
  if (match.requestId !== undefined) {
    query = match.requestId === null ? query.where('request_id', 'is', null) : query.where('request_id', '=', match.requestId);
  }
  const row = await query.returningAll().executeTakeFirst();
  return row && toJob(row);
}
