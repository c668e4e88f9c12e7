/** The demo's waits and times: real milliseconds for its own steps, the shared virtual clock for the story. */
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';

/** How long the demo waits for one step, in real time, before it gives up with the reason. */
export const STEP_TIMEOUT_MS = 60_000;

export async function timed(task: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await task();
  return Date.now() - start;
}

/** Calls `get` until `done` says yes (twice a real second), up to the step timeout. */
export async function until<T>(get: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new PhoneSafeError('INTERNAL', `no ${what} within ${STEP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function nextMinute(ms: number): number {
  return Math.ceil(ms / 60_000) * 60_000;
}

export function roundUp(value: number, step: number): number {
  return Math.max(step, Math.ceil(value / step) * step);
}

export function virtualTime(clock: Clock): string {
  return clock.now().toISOString().slice(11, 16);
}
