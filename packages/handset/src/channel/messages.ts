import { BackupFailedReport, BackupStartAnswer, CenterMessage, ChannelRefusal, type NgReason } from '@phonesafe/protocol';
import type { z } from 'zod';

export type Refusal = z.infer<typeof ChannelRefusal>;

/** A frame from the center, validated with the protocol schemas: nothing unvalidated reaches the agent. */
export type Incoming =
  { kind: 'message'; message: CenterMessage } | { kind: 'refused'; refusal: Refusal } | { kind: 'invalid'; detail: string };

export function parseIncoming(text: string): Incoming {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', detail: 'not JSON' };
  }
  const message = CenterMessage.safeParse(value);
  if (message.success) return { kind: 'message', message: message.data };
  const refusal = ChannelRefusal.safeParse(value);
  if (refusal.success) return { kind: 'refused', refusal: refusal.data };
  const type = typeof value === 'object' && value !== null && 'type' in value ? String(value.type) : 'untyped';
  return {
    kind: 'invalid',
    detail: `${type} message does not match the protocol: ${message.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  };
}

/** The answer frame, checked against the schema before it leaves. */
export function answerFrame(requestId: string, readiness: { ok: true } | { ok: false; reason: NgReason }): string {
  const answer = BackupStartAnswer.parse(
    readiness.ok
      ? { type: 'backup-start-answer', requestId, answer: 'OK' }
      : { type: 'backup-start-answer', requestId, answer: 'NG', reason: readiness.reason },
  );
  return JSON.stringify(answer);
}

/** The report of a backup that failed after its OK, checked against the schema before it leaves. */
export function failedFrame(requestId: string, code: string): string {
  return JSON.stringify(BackupFailedReport.parse({ type: 'backup-failed', requestId, code }));
}
