import type { Notice } from '@phonesafe/protocol';
import { columns, humanTime, plural } from './output.ts';

/** Notices as `pc notices` and `handset notices` print them: time, kind, handset, message. */
export function noticeLines(list: readonly Notice[]): string[] {
  return [...columns(list.map((n) => [humanTime(n.at), n.kind, n.handsetName ?? '-', n.message])), plural(list.length, 'notice')];
}
