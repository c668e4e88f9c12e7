/** What the demo's steps share: the processes, the clock, the narration, and the three handsets. */
import type { Clock } from '@phonesafe/protocol';
import type { RunEvent } from '../run-events.ts';
import type { Children, Env, LineChild } from './processes.ts';

export interface Context {
  children: Children;
  env: Env;
  clock: Clock;
  root: string;
  say: (line: string) => void;
  factor: number;
  realStart: number;
}

export interface HandsetChild {
  name: string;
  dir: string;
  run?: LineChild<RunEvent>;
}

export interface Handsets {
  A: HandsetChild;
  B: HandsetChild;
  C: HandsetChild;
}
