/** The demo's step 4: the owner's schedules from the pc, timed against the shared virtual clock. */
import { PhoneSafeError, type ScheduleView } from '@phonesafe/protocol';
import { formatDuration } from '../duration.ts';
import type { Context, Handsets } from './world.ts';
import { nextMinute, roundUp } from './timing.ts';

export interface Retry {
  interval: number;
  answer: number;
  tries: number;
}

/** 4. Schedules from the pc, with a slot a few virtual minutes ahead, and the owner at A and C; answers C's retry policy. */
export async function scheduleFromPc(ctx: Context, handsets: Handsets, slowest: number): Promise<Retry> {
  const { factor, say } = ctx;
  const realToVirtual = (ms: number) => ms * factor;
  const retryA: Retry = {
    interval: roundUp(realToVirtual(2 * slowest + 3000) / 1000, 60),
    answer: roundUp(realToVirtual(2000) / 1000, 60),
    tries: 4,
  };
  const retryC: Retry = { interval: roundUp(realToVirtual(1500) / 1000, 60), answer: retryA.answer, tries: 3 };
  const { views, slot } = await setSchedules(ctx, handsets, slowest, [retryA, retryC]);
  for (const [v, r] of [
    [views[0]!, retryA],
    [views[1]!, retryC],
  ] as const) {
    say(
      `pc schedule ${v.handsetName}: daily at ${new Date(slot).toISOString().slice(11, 16)} UTC, next run ${v.nextRunAt!.slice(11, 16)}; retry after ${formatDuration(r.interval)}, answer within ${formatDuration(r.answer)}, give up after ${r.tries} tries`,
    );
  }
  return retryC;
}

/** The owner busy at A (past the slot) and at C (all day), and A's and C's schedules for the next free slot. */
async function setSchedules(
  ctx: Context,
  handsets: Handsets,
  slowest: number,
  [retryA, retryC]: readonly [Retry, Retry],
): Promise<{ views: ScheduleView[]; slot: number }> {
  const { children, clock, factor, say } = ctx;
  const { A, C } = handsets;
  const tick = 1000 * factor; // the scheduler looks once a real second
  const realToVirtual = (ms: number) => ms * factor;
  let views: ScheduleView[] = [];
  let slot = 0;
  for (let attempt = 1; ; attempt++) {
    slot = nextMinute(clock.now().getTime() + realToVirtual(3 * slowest + 1500));
    const busyA = Math.ceil((slot - clock.now().getTime() + 2 * tick) / 1000);
    await Promise.all([
      children.json(['handset', 'busy', '--data', A.dir, '--for', formatDuration(busyA)]),
      children.json(['handset', 'busy', '--data', C.dir, '--for', '1d']),
    ]);
    if (attempt === 1) say(`the owner is operating A for ${formatDuration(busyA)} and C all day (phonesafe handset busy --for)`);
    const at = new Date(slot).toISOString().slice(11, 16);
    views = await Promise.all(
      (
        [
          [A, retryA],
          [C, retryC],
        ] as const
      ).map(([h, r]) => children.json<ScheduleView>(scheduleArgs(h.name, at, r))),
    );
    // Too slow a machine may pass the slot before it is set; then the center plans it for tomorrow: pick a later one.
    if (views.every((v) => v.nextRunAt !== null && new Date(v.nextRunAt).getTime() === slot)) break;
    if (attempt === 3)
      throw new PhoneSafeError(
        'INTERNAL',
        `could not set a schedule ahead of the virtual clock (next runs: ${views.map((v) => v.nextRunAt).join(', ')})`,
      );
  }
  for (const [v, r] of [
    [views[0]!, retryA],
    [views[1]!, retryC],
  ] as const) {
    say(
      `pc schedule ${v.handsetName}: daily at ${new Date(slot).toISOString().slice(11, 16)} UTC, next run ${v.nextRunAt!.slice(11, 16)}; retry after ${formatDuration(r.interval)}, answer within ${formatDuration(r.answer)}, give up after ${r.tries} tries`,
    );
  }
  return { views, slot };
}

/** `pc schedule` for one handset: daily at `at`, with its retry policy. */
function scheduleArgs(handset: string, at: string, r: Retry): string[] {
  return [
    'pc',
    'schedule',
    '--handset',
    handset,
    '--daily',
    at,
    '--retry-interval',
    formatDuration(r.interval),
    '--answer-timeout',
    formatDuration(r.answer),
    '--tries',
    String(r.tries),
  ];
}
