/** The schedules' port (schedule-repo.ts) over Kysely. */
import type { RetryPolicy, ScheduleSpec } from '@phonesafe/protocol';
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import { ACTIVE_JOB_STATES, type JobRow } from './job-repo.ts';
import { jobValues } from './job-rows.ts';
import type { ScheduleRepo, ScheduleRow } from './schedule-repo.ts';
import type { SchedulesTable, ScheduleTables } from './schedule-tables.ts';

type Plan = Parameters<ScheduleRepo['materialiseDue']>[2];

export function scheduleQueries(engine: Engine): ScheduleRepo {
  const db = tablesOf<ScheduleTables>(engine);
  return {
    async find(handsetId) {
      const row = await db.selectFrom('schedules').selectAll().where('handset_id', '=', handsetId).executeTakeFirst();
      return row && toSchedule(row);
    },

    async put(row) {
      const values = {
        handset_id: row.handsetId,
        owner_id: row.ownerId,
        spec: row.spec === null ? null : JSON.stringify(row.spec),
        retry: JSON.stringify(row.retry),
        next_run_at: row.nextRunAt,
        updated_at: row.updatedAt,
      };
      await db
        .insertInto('schedules')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('handset_id')
            .doUpdateSet({ spec: values.spec, retry: values.retry, next_run_at: values.next_run_at, updated_at: values.updated_at }),
        )
        .execute();
    },

    materialiseDue: (now, limit, plan) => materialiseDue(engine, now, limit, plan),

    async clearIfSpec(handsetId, spec, at) {
      const result = await db
        .updateTable('schedules')
        .set({ spec: null, next_run_at: null, updated_at: at })
        .where('handset_id', '=', handsetId)
        .where('spec', '=', JSON.stringify(spec))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async clear(handsetId, at) {
      await db
        .updateTable('schedules')
        .set({ spec: null, next_run_at: null, updated_at: at })
        .where('handset_id', '=', handsetId)
        .execute();
    },
  };
}

/** ScheduleRepo.materialiseDue: one transaction over the due schedule rows, locked. */
function materialiseDue(engine: Engine, now: string, limit: number, plan: Plan): Promise<JobRow[]> {
  return inTransaction<ScheduleTables, JobRow[]>(engine, async (trx) => {
    const due = await trx
      .selectFrom('schedules')
      .selectAll()
      .where('next_run_at', '<=', now)
      // Revocation clears the schedule; this also covers a schedule written in a race with it.
      .where(({ exists, not, selectFrom }) =>
        not(
          exists(
            selectFrom('handsets')
              .select('handsets.id')
              .whereRef('handsets.id', '=', 'schedules.handset_id')
              .where('handsets.revoked_at', 'is not', null),
          ),
        ),
      )
      .orderBy('next_run_at')
      .orderBy('handset_id')
      .limit(limit)
      .$if(engine.rowLocks, (qb) => qb.forUpdate().skipLocked())
      .execute();
    const made: JobRow[] = [];
    for (const row of due) {
      const schedule = toSchedule(row);
      const { job, nextRunAt } = plan(schedule);
      // The schedule row lock serialises this per handset, so the check cannot race another center.
      const active = await trx
        .selectFrom('jobs')
        .select('id')
        .where('handset_id', '=', schedule.handsetId)
        .where('status', 'in', ACTIVE_JOB_STATES)
        .executeTakeFirst();
      if (!active) {
        await trx.insertInto('jobs').values(jobValues(job)).execute();
        made.push(job);
      }
      await trx.updateTable('schedules').set({ next_run_at: nextRunAt }).where('handset_id', '=', schedule.handsetId).execute();
    }
    return made;
  });
}

function toSchedule(row: SchedulesTable): ScheduleRow {
  return {
    handsetId: row.handset_id,
    ownerId: row.owner_id,
    spec: row.spec === null ? null : (JSON.parse(row.spec) as ScheduleSpec),
    retry: JSON.parse(row.retry) as Partial<RetryPolicy>,
    nextRunAt: row.next_run_at,
    updatedAt: row.updated_at,
  };
}
