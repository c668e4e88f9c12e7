import type { ChannelEvent } from '@phonesafe/handset';

/**
 * What `phonesafe handset run` prints: one event per line, as text or (with
 * --json) as one JSON object per line. The demo and the end-to-end tests
 * read the JSON form, so this type is the contract of that output. It is
 * the handset library's own event vocabulary (channel/events.ts there) with
 * the time it happened, `at`, in front: the CLI adds nothing else.
 */
export type RunEvent = { at: string } & ChannelEvent;

export type RunEventName = RunEvent['event'];
