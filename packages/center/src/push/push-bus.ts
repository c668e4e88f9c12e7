/**
 * The push bus port (live-channel.md): a message for a handset is published
 * once and delivered to every center process; the one holding the handset's
 * socket sends it. Delivery is best effort: a lost request is caught by the
 * job's answer timeout and retried like an NG.
 */
import type { CenterMessage } from '@phonesafe/protocol';

export type PushHandler = (handsetId: string, message: CenterMessage) => void;

export interface PushBus {
  publish(handsetId: string, message: CenterMessage): Promise<void>;
  /** Answers the function that unsubscribes. */
  subscribe(handler: PushHandler): () => void;
  close(): Promise<void>;
}

/** Calls every handler; one failing handler must not starve the others. */
export function deliver(
  handlers: Iterable<PushHandler>,
  handsetId: string,
  message: CenterMessage,
  onError: (error: unknown) => void,
): void {
  for (const handler of handlers) {
    try {
      handler(handsetId, message);
    } catch (error) {
      onError(error);
    }
  }
}
