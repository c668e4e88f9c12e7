/**
 * `phonesafe handset run --json` for the live-channel tests, its lines typed
 * as the CLI's run events, and a schedule set just ahead of a shared clock.
 */
import { strict as assert } from 'node:assert';
import type { TestContext } from 'node:test';
import type { Clock, ScheduleView } from '@phonesafe/protocol';
import { cliJson, type Env, runHandset as runHandsetProcess, type RunningHandset as Running } from '@phonesafe/testkit';
import type { RunEvent } from '../../src/run-events.ts';

export type { RunEvent };
export type RunningHandset = Running<RunEvent>;

export function runHandset(t: TestContext, dir: string, env: Env): RunningHandset {
  return runHandsetProcess<RunEvent>(t, dir, env);
}

/**
 * `pc schedule --handset NAME --daily HH:MM` for the first whole virtual
 * minute at least `leadMinutes` ahead. A slow machine may pass that minute
 * before the center has the schedule (it then plans tomorrow's): try a later one.
 */
export async function scheduleSoon(
  env: Env,
  clock: Clock,
  handset: string,
  retry: readonly string[],
  leadMinutes = 2,
): Promise<ScheduleView> {
  for (let lead = leadMinutes; lead < leadMinutes + 30; lead += 5) {
    const slot = Math.ceil((clock.now().getTime() + lead * 60_000) / 60_000) * 60_000;
    const view = await cliJson<ScheduleView>(
      ['pc', 'schedule', '--handset', handset, '--daily', new Date(slot).toISOString().slice(11, 16), ...retry],
      env,
    );
    if (view.nextRunAt && new Date(view.nextRunAt).getTime() === slot) return view;
  }
  assert.fail('could not set a schedule ahead of the virtual clock');
}
