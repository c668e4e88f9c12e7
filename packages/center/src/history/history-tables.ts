/** The history table as Kysely sees it; storage-format.md lists its columns. */
import type { Generated } from 'kysely';
import type { HistoryRow } from './history-repo.ts';

export interface HistoryTable {
  id: Generated<number>;
  owner_id: string;
  handset_id: string | null;
  backup_id: string | null;
  event: HistoryRow['event'];
  detail: string;
  at: string;
}

export interface HistoryTables {
  history: HistoryTable;
}
