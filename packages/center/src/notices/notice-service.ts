import type { Notice } from '@phonesafe/protocol';
import type { Caller } from '../auth/caller.ts';
import type { NoticeRepo } from './notice-repo.ts';

/** An owner reads the notices of all its handsets; a handset reads its own (to show them, B3). */
export class NoticeService {
  readonly #notices: Pick<NoticeRepo, 'list'>;

  constructor(notices: Pick<NoticeRepo, 'list'>) {
    this.#notices = notices;
  }

  async list(caller: Caller): Promise<{ notices: Notice[] }> {
    const rows = await this.#notices.list(caller.ownerId, caller.kind === 'handset' ? caller.handsetId : undefined);
    return {
      notices: rows.map((row) => ({ noticeId: row.id, at: row.at, kind: row.kind, handsetName: row.handsetName, message: row.message })),
    };
  }
}
