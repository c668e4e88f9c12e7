/**
 * When the wallet backs up (V13/V14) and recovers (V16) on its own. Pure:
 * the settings, the memory of the last evaluation and what is observed now
 * in; the reasons to act and the new memory out. Every trigger fires on an
 * *edge* — the signal rising to the threshold, the battery recovering, the
 * card's free space falling below (backup) or rising to (recovery) a value,
 * the clock passing a time of day, a period elapsing, a certificate's
 * validity coming within a day — so one edge gives one run however many
 * evaluations see the condition still holding. The first evaluation (no
 * memory) only records: no edge (except a certificate's own, which is its
 * first sight).
 * Times are UTC, as everywhere in PhoneSafe.
 */
import type { AutoSettings } from './auto-settings.ts';
import { after } from './conditions.ts';

export interface Observation {
  /** ISO time by the injected clock. */
  at: string;
  signal: number;
  battery: number;
  /** The card's free bytes. */
  free: number;
}

export interface TriggerMemory {
  last: Observation | null;
  /** Where the current backup period started. */
  periodFrom: string | null;
  /** The certificates valid-from-tomorrow already fired for. */
  validFired?: number[];
}

/** A certificate on the card as the valid-from-tomorrow trigger sees it. */
export interface Held {
  pointer: number;
  validFrom: string | null;
  validTo: string | null;
}

export type BackupReason = 'periodic' | 'time-of-day' | 'shortage';
export type RecoveryReason = 'signal' | 'battery' | 'time-of-day' | 'memory-freed';

export interface Due {
  backup: BackupReason[];
  /** Reasons to recover the certificates the owner marked. */
  recover: RecoveryReason[];
  /**
   * V16 "available from tomorrow is recovered today": the certificates whose validity starts by tomorrow (and has
   * not ended), each once — the first evaluation that sees it so is its edge, whatever the owner marked.
   */
  validTomorrow: number[];
  memory: TriggerMemory;
}

const rising = (before: number, now: number, threshold: number | null) => threshold !== null && before < threshold && now >= threshold;
const falling = (before: number, now: number, threshold: number | null) => threshold !== null && before >= threshold && now < threshold;

/** Whether the clock passed `hhmm` (UTC) in (from, to]. */
export function passed(from: string, to: string, hhmm: string | null): boolean {
  if (hhmm === null) return false;
  const start = new Date(from).getTime();
  const end = new Date(to).getTime();
  const first = new Date(`${from.slice(0, 10)}T${hhmm}:00.000Z`).getTime();
  for (let t = first; t <= end; t += 86_400_000) if (t > start) return true;
  return false;
}

function period(settings: AutoSettings, memory: TriggerMemory, at: string): { fire: boolean; periodFrom: string | null } {
  const every = settings.backup.everySeconds;
  if (every === null) return { fire: false, periodFrom: null };
  if (memory.periodFrom === null) return { fire: false, periodFrom: at };
  const from = new Date(memory.periodFrom).getTime();
  const periods = Math.floor((new Date(at).getTime() - from) / (every * 1000));
  // Missed periods (the handset was off) give one run, not one each.
  return periods < 1
    ? { fire: false, periodFrom: memory.periodFrom }
    : { fire: true, periodFrom: new Date(from + periods * every * 1000).toISOString() };
}

/** The certificates whose validity starts by tomorrow and has not ended, not fired before (each certificate's own edge). */
function validTomorrow(settings: AutoSettings, memory: TriggerMemory, at: string, held: readonly Held[]) {
  const fired = new Set(memory.validFired ?? []);
  if (!settings.recover.validTomorrow) return { fire: [], validFired: [] };
  const today = at.slice(0, 10);
  const upTo = after(today, { months: 0, days: 1 });
  const ready = held.filter((c) => c.validFrom !== null && c.validFrom <= upTo && (c.validTo === null || c.validTo >= today));
  const fire = ready.filter((c) => !fired.has(c.pointer)).map((c) => c.pointer);
  // Pointers are never reused; those of certificates gone are forgotten.
  const present = new Set(held.map((c) => c.pointer));
  return { fire, validFired: [...[...fired].filter((p) => present.has(p)), ...fire] };
}

export function due(settings: AutoSettings, memory: TriggerMemory, now: Observation, held: readonly Held[] = []): Due {
  const periodic = period(settings, memory, now.at);
  const valid = validTomorrow(settings, memory, now.at, held);
  const next: TriggerMemory = { last: now, periodFrom: periodic.periodFrom, validFired: valid.validFired };
  const last = memory.last;
  if (last === null || last.at > now.at) return { backup: [], recover: [], validTomorrow: valid.fire, memory: next };
  const { backup: b, recover: r } = settings;
  const backup: BackupReason[] = [];
  if (periodic.fire) backup.push('periodic');
  if (passed(last.at, now.at, b.at)) backup.push('time-of-day');
  if (falling(last.free, now.free, b.freeBelow)) backup.push('shortage');
  const recover: RecoveryReason[] = [];
  if (rising(last.signal, now.signal, r.signalAbove)) recover.push('signal');
  if (rising(last.battery, now.battery, r.batteryAbove)) recover.push('battery');
  if (passed(last.at, now.at, r.at)) recover.push('time-of-day');
  if (rising(last.free, now.free, r.freeAbove)) recover.push('memory-freed');
  return { backup: b.safe === null ? [] : backup, recover, validTomorrow: valid.fire, memory: next };
}
