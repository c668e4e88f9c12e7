/** The notices' table as Kysely sees it; storage-format.md lists its columns. */
import type { NoticeRow } from './notice-repo.ts';

export interface NoticesTable {
  id: string;
  owner_id: string;
  handset_id: string | null;
  kind: NoticeRow['kind'];
  message: string;
  at: string;
}

export interface NoticeTables {
  notices: NoticesTable;
  /** Read only, for the handset's name beside each notice (handsets/handset-tables.ts owns it). */
  handsets: { id: string; name: string };
}
