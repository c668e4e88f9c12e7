/**
 * The notifier port: how the center tells an owner something (B3 "backup
 * could not be made", B4 over quota). The default adapter stores the notice,
 * which the owner's pc and the handset read from `GET /v1/notices`; mail
 * delivery will be another adapter behind the same port.
 */
import type { Clock } from '@phonesafe/protocol';
import { newId } from '../ids.ts';
import type { NoticeRepo, NoticeRow } from './notice-repo.ts';

export type NoticeInput = Pick<NoticeRow, 'ownerId' | 'handsetId' | 'kind' | 'message'>;

export interface Notifier {
  notify(notice: NoticeInput): Promise<void>;
}

export function storedNotifier(notices: Pick<NoticeRepo, 'add'>, clock: Clock): Notifier {
  return {
    notify: (notice) => notices.add({ ...notice, id: newId(), at: clock.now().toISOString() }),
  };
}
