/**
 * One message from a handset on the channel: parsed with the protocol schema
 * and handed to the handler of its type. Anything wrong comes back as a
 * refusal and has had no effect.
 */
import { HandsetMessage, PhoneSafeError } from '@phonesafe/protocol';
import type { Refusal } from './channel-registry.ts';
import type { HandsetHandlers } from './handset-handlers.ts';

export async function handleHandsetMessage(raw: string, handsetId: string, handlers: HandsetHandlers): Promise<Refusal | undefined> {
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
    // The table has a handler for every type (HandsetHandlers); TypeScript cannot pair the two narrowings itself.
    const handler = handlers[message.type] as (handsetId: string, message: HandsetMessage) => Promise<unknown>;
    await handler(handsetId, message);
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
