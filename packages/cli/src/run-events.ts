import type { ChannelEvent, WalletEvent } from '@phonesafe/handset';

/**
 * What `phonesafe handset run` prints: one event per line, as text or (with
 * --json) as one JSON object per line. The demo and the end-to-end tests
 * read the JSON form, so this type is the contract of that output. It is
 * the handset library's own event vocabulary (channel/events.ts there) with
 * the time it happened, `at`, in front: the CLI adds nothing else.
 */
export type RunEvent = { at: string } & (ChannelEvent | MailEvent | WalletEvent);

/** The mail responder's events (backup by mail runs in `handset run` too, with or without a center). */
export type MailEvent =
  | { event: 'mail-accepted'; code: string; messageId: string; answer: string }
  | { event: 'mail-refused'; reason: string; detail: string; from: string }
  | { event: 'mail-unsent'; mails: number }
  | { event: 'mail-failed'; code: string; detail: string; retryInSeconds: number };

export type RunEventName = RunEvent['event'];
