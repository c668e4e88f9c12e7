import type { CenterMessage } from '@phonesafe/protocol';
import { deliver, type PushBus, type PushHandler } from './push-bus.ts';

/** For a single center (SQLite): publishing is calling the local handlers, on a later tick like a real bus. */
export function inProcessBus(onError: (error: unknown) => void = () => {}): PushBus {
  const handlers = new Set<PushHandler>();
  return {
    async publish(handsetId: string, message: CenterMessage) {
      queueMicrotask(() => deliver(handlers, handsetId, message, onError));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
