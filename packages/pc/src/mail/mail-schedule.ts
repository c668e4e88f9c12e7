import { join } from 'node:path';
import { nextRun, type DataKind, type ScheduleSpec } from '@phonesafe/protocol';
import { readJson, writeAtomic } from '@phonesafe/protocol/node';
import { ensureDirs, loadPcPairing, mailRoot } from './mail-files.ts';

/**
 * M5 (FIG 12): the pc's schedule table of backup instructions by mail,
 * `pcdir/mail/schedule.json`, one row per paired handset. `pc mail-run`
 * sends what is due; slots missed while it was not running give ONE
 * instruction at its next look (the next slot is computed from now).
 */
export interface MailScheduleEntry {
  handset: string;
  spec: ScheduleSpec;
  kinds?: DataKind[];
  nextRunAt: string | null;
  lastRunAt?: string;
  /** The set id of the last instruction sent, and what came of it. */
  lastInstruction?: string;
  lastResult?: string;
}

const file = (pcDir: string) => join(mailRoot(pcDir), 'schedule.json');

export async function mailSchedules(pcDir: string): Promise<MailScheduleEntry[]> {
  return (await readJson<{ entries: MailScheduleEntry[] }>(file(pcDir), { entries: [] })).entries;
}

async function save(pcDir: string, entries: MailScheduleEntry[]): Promise<void> {
  await ensureDirs(pcDir);
  await writeAtomic(file(pcDir), JSON.stringify({ entries }, null, 2) + '\n');
}

/** Sets (or with `spec` null, removes) a handset's row; answers it. */
export async function setMailSchedule(
  pcDir: string,
  handset: string,
  spec: ScheduleSpec | null,
  kinds: DataKind[] | undefined,
  now: Date,
): Promise<MailScheduleEntry | undefined> {
  await loadPcPairing(pcDir, handset);
  const others = (await mailSchedules(pcDir)).filter((e) => e.handset !== handset);
  if (!spec) {
    await save(pcDir, others);
    return undefined;
  }
  const entry: MailScheduleEntry = { handset, spec, ...(kinds ? { kinds } : {}), nextRunAt: nextRun(spec, now)?.toISOString() ?? null };
  await save(pcDir, [...others, entry]);
  return entry;
}

/** The rows due at `now`, each moved on to its next slot after now (so missed slots run once). */
export async function takeDue(pcDir: string, now: Date): Promise<MailScheduleEntry[]> {
  const entries = await mailSchedules(pcDir);
  const due = entries.filter((e) => e.nextRunAt !== null && e.nextRunAt <= now.toISOString());
  if (due.length === 0) return [];
  const moved = entries.map((e) =>
    due.includes(e) ? { ...e, lastRunAt: now.toISOString(), nextRunAt: nextRun(e.spec, now)?.toISOString() ?? null } : e,
  );
  await save(pcDir, moved);
  return due;
}

/** Notes the instruction a row sent and its outcome. */
export async function noteRun(
  pcDir: string,
  handset: string,
  change: Pick<MailScheduleEntry, 'lastInstruction' | 'lastResult'>,
): Promise<void> {
  const entries = await mailSchedules(pcDir);
  await save(
    pcDir,
    entries.map((e) => (e.handset === handset ? { ...e, ...change } : e)),
  );
}
