/** The notice mail outbox's port (notice-mail-repo.ts) over Kysely. */
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import type { NoticeMailRepo } from './notice-mail-repo.ts';
import type { NoticeMailTables } from './notice-mail-tables.ts';

export function noticeMailQueries(engine: Engine): NoticeMailRepo {
  const db = tablesOf<NoticeMailTables>(engine);
  return {
    async enqueue(row, at) {
      await db
        .insertInto('notice_mail')
        .columns(['id', 'owner_id', 'to_address', 'kind', 'subject', 'body', 'attempts', 'next_attempt_at', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('owners')
            .select((s) => [
              s.val(row.id).as('id'),
              'owners.id as owner_id',
              'owners.email as to_address',
              s.val(row.kind).as('kind'),
              s.val(row.subject).as('subject'),
              s.val(row.body).as('body'),
              s.val(0).as('attempts'),
              s.val(at).as('next_attempt_at'),
              s.val(at).as('created_at'),
            ])
            .where('owners.id', '=', row.ownerId),
        )
        .execute();
    },

    claimDue: (now, leaseUntil, limit) => claimDue(engine, now, leaseUntil, limit),

    async markSent(id, at) {
      await db.updateTable('notice_mail').set({ sent_at: at, last_error: null }).where('id', '=', id).execute();
    },

    async markFailed(id, error, next) {
      await db
        .updateTable('notice_mail')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 500),
          next_attempt_at: next ?? '9999-12-31T00:00:00.000Z',
        }))
        .where('id', '=', id)
        .execute();
    },

    async counts() {
      const rows = await db.selectFrom('notice_mail').select(['sent_at', 'next_attempt_at']).execute();
      const failed = rows.filter((r) => !r.sent_at && r.next_attempt_at.startsWith('9999')).length;
      const sent = rows.filter((r) => r.sent_at).length;
      return { sent, failed, pending: rows.length - sent - failed };
    },
  };
}

/** claimDue (notice-mail-repo.ts): read and lease due rows in one transaction, skipping rows another center holds. */
function claimDue(engine: Engine, now: string, leaseUntil: string, limit: number): ReturnType<NoticeMailRepo['claimDue']> {
  return inTransaction<NoticeMailTables, Awaited<ReturnType<NoticeMailRepo['claimDue']>>>(engine, async (trx) => {
    const rows = await trx
      .selectFrom('notice_mail')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      // Another center holds its rows: take the others rather than wait, and never the same.
      .$if(engine.rowLocks, (qb) => qb.forUpdate().skipLocked())
      .execute();
    if (rows.length > 0) {
      await trx
        .updateTable('notice_mail')
        .set({ next_attempt_at: leaseUntil })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
    return rows.map((r) => ({
      id: r.id,
      ownerId: r.owner_id,
      to: r.to_address,
      kind: r.kind,
      subject: r.subject,
      body: r.body,
      attempts: r.attempts,
    }));
  });
}
