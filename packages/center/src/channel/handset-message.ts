/**
 * One message from a handset on the channel: parsed with the protocol schema
 * and handed to the job service. Anything wrong comes back as a refusal and
 * has had no effect.
 */
import { HandsetMessage, PhoneSafeError } from '@phonesafe/protocol';
import type { JobService } from '../jobs/job-service.ts';
import type { Refusal } from './channel-registry.ts';

export async function handleHandsetMessage(
  raw: string,
  handsetId: string,
  jobs: Pick<JobService, 'answer' | 'transferFailed'>,
): Promise<Refusal | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { type: 'refused', code: 'BAD_REQUEST', detail: 'a channel message is one JSON object' };
  }
  const requestId = requestIdOf(json);
  const parsed = HandsetMessage.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ');
    return { type: 'refused', ...requestId, code: 'VALIDATION_FAILED', detail };
  }
  try {
    const message = parsed.data;
    if (message.type === 'backup-start-answer') await jobs.answer(handsetId, message);
    else await jobs.transferFailed(handsetId, message);
    return undefined;
  } catch (error) {
    if (error instanceof PhoneSafeError) return { type: 'refused', ...requestId, code: error.code, detail: error.detail };
    throw error;
  }
}

/** The request id of a message, when it has one that is a string, so the handset can match the refusal. */
function requestIdOf(json: unknown): { requestId?: string } {
  const id = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['requestId'] : undefined;
  return typeof id === 'string' ? { requestId: id } : {};
}
