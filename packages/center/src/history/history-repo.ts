/** The history's storage port (B8). The contracts every repository keeps are stated in center-store.ts. */
export interface HistoryRow {
  at: string;
  ownerId: string;
  handsetId: string | null;
  backupId: string | null;
  event: 'backup-committed' | 'restore-requested' | 'restore-completed' | 'backup-deleted' | 'backup-forgotten';
  detail: string;
}

export interface HistoryRepo {
  append(row: HistoryRow): Promise<void>;
  list(ownerId: string, handsetId?: string, limit?: number): Promise<HistoryRow[]>;
}
