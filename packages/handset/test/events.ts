import type { ChannelEvent } from '../src/index.ts';

type Of<T extends ChannelEvent['event']> = Extract<ChannelEvent, { event: T }>;

/** Collects run-loop events and lets a test wait for the next one of a type. */
export class EventLog {
  readonly all: ChannelEvent[] = [];
  readonly #taken = new Set<ChannelEvent>();
  readonly #waiters: Array<() => void> = [];

  readonly sink = (event: ChannelEvent): void => {
    this.all.push(event);
    for (const wake of this.#waiters.splice(0)) wake();
  };

  /** The first event of this type not yet returned, waiting for it if needed. */
  async next<T extends ChannelEvent['event']>(type: T, timeoutMs = 20_000): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all.find((event) => event.event === type && !this.#taken.has(event));
      if (found) {
        this.#taken.add(found);
        return found as Of<T>;
      }
      if (Date.now() > deadline) throw new Error(`no ${type} event within ${timeoutMs} ms; saw ${this.all.map((e) => e.event).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  types(): string[] {
    return this.all.map((event) => event.event);
  }
}
