import type { Engine } from '../engine.ts';
import { ACTIVE_JOB_STATES } from '../migrations/0002-jobs.ts';
import type { Db } from '../schema.ts';
import type { DueJobs, JobMatch, JobRepo, JobUpdate } from '../store.ts';
import { jobChanges, toJob } from './job-rows.ts';

/** Which status and which time column make a job due for each scheduler step. */
const DUE: Record<DueJobs, { status: 'pending' | 'requested' | 'running'; at: 'due_at' | 'answer_by' | 'run_deadline' }> = {
  due: { status: 'pending', at: 'due_at' },
  'answer-overdue': { status: 'requested', at: 'answer_by' },
  'run-overdue': { status: 'running', at: 'run_deadline' },
};

export function jobRepo(engine: Engine): JobRepo {
  const { db } = engine;
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

    transition: (match, update) => transition(db, match, update),

    async takeDue(which, now, limit, decide) {
      const { status, at } = DUE[which];
      return db.transaction().execute(async (trx) => {
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
