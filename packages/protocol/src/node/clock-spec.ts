import { readFileSync } from 'node:fs';
import { PhoneSafeError } from '../errors.ts';
import { ScaledClock, systemClock, type Clock } from '../clock.ts';

/**
 * A clock set from outside: "now" is the ISO time written in a file, read on
 * every call, so one test moves the time of every process it started at once
 * (center, handsets, pc) and nothing depends on how fast real time passes
 * under load. Test-only; configured by PHONESAFE_CLOCK=file:<path>. The file
 * must hold a valid time whenever a process may ask (write it atomically).
 */
export class FileClock implements Clock {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  now(): Date {
    const text = readFileSync(this.#path, 'utf8').trim();
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw new PhoneSafeError('INTERNAL', `the clock file ${this.#path} holds no time`);
    return new Date(ms);
  }
}

/**
 * The clock a process runs on: the system clock; a ScaledClock from
 * `PHONESAFE_CLOCK=scaled:<originMs>:<factor>` (accelerated demos); or a
 * FileClock from `PHONESAFE_CLOCK=file:<path>` (tests).
 */
export function clockFromSpec(spec: string | undefined): Clock {
  if (!spec) return systemClock;
  if (spec.startsWith('file:') && spec.length > 5) return new FileClock(spec.slice(5));
  const match = /^scaled:(\d+):(\d+(?:\.\d+)?)$/.exec(spec);
  if (!match) throw new Error(`PHONESAFE_CLOCK must be scaled:<originMs>:<factor> or file:<path>, not ${spec}`);
  const origin = Number(match[1]);
  return new ScaledClock({ realOrigin: origin, virtualOrigin: origin, factor: Number(match[2]) });
}
