/** The owner notices' storage port. The contracts every repository keeps are stated in center-store.ts. */
import type { Notice } from '@phonesafe/protocol';

export interface NoticeRow {
  id: string;
  ownerId: string;
  handsetId: string | null;
  kind: Notice['kind'];
  message: string;
  at: string;
}

export interface NoticeRepo {
  add(row: NoticeRow): Promise<void>;
  /** When the owner's newest notice of this kind was made; undefined when it has none. */
  lastAt(ownerId: string, kind: NoticeRow['kind']): Promise<string | undefined>;
  /** Newest first, with the handset's name; `handsetId` narrows to one handset's notices. */
  list(ownerId: string, handsetId?: string, limit?: number): Promise<Array<NoticeRow & { handsetName: string | null }>>;
}
