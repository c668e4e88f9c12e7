/** The notice mail outbox as Kysely sees it; storage-format.md lists its columns. */
export interface NoticeMailTable {
  id: string;
  owner_id: string;
  to_address: string;
  kind: string;
  subject: string;
  body: string;
  attempts: number;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface NoticeMailTables {
  notice_mail: NoticeMailTable;
  /** Read only, for the owner's address (owners/owner-tables.ts owns it). */
  owners: { id: string; email: string };
}
