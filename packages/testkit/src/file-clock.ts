import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@phonesafe/protocol';
import { FileClock } from '@phonesafe/protocol/node';
import { tempDir, type AfterHook } from './temp.ts';

/** A test clock every process of a test shares (PHONESAFE_CLOCK=spec): time moves only when the test moves it. */
export interface SharedClock {
  spec: string;
  clock: Clock;
  set(to: Date | string): void;
  advance(ms: number): void;
}

/** A FileClock in the test's own folder, starting at `start` (default: now). Each move is one atomic rename. */
export async function sharedClock(t: AfterHook, start: Date | string = new Date()): Promise<SharedClock> {
  const file = join(await tempDir(t, 'clock'), 'now');
  const clock = new FileClock(file);
  const set = (to: Date | string) => {
    writeFileSync(`${file}.next`, new Date(to).toISOString());
    renameSync(`${file}.next`, file);
  };
  set(start);
  return { spec: `file:${file}`, clock, set, advance: (ms) => set(new Date(clock.now().getTime() + ms)) };
}
