import { join } from 'node:path';
import { nextRun, PhoneSafeError, type DataKind, type ScheduleSpec } from '@phonesafe/protocol';
import { readJson, writeAtomic } from '@phonesafe/protocol/node';
import { ensureDirs, loadPcPairing, mailRoot } from './mail-files.ts';
import { getBackup } from './mail-store.ts';

/**
 * M5 (FIG 12): the pc's schedule table of instructions by mail,
 * `pcdir/mail/schedule.json`: per paired handset one backup row and, only
 * when asked for explicitly (`allowRestore`), one restore row. `pc mail-run`
 * sends what is due; slots missed while it was not running give ONE
 * instruction at its next look (the next slot is computed from now).
 */
export interface MailScheduleEntry {
  handset: string;
  spec: ScheduleSpec;
  kinds?: DataKind[];
  /** A restore row: the mail backup its instruction carries (absent: a backup row). */
  restore?: string;
  nextRunAt: string | null;
  lastRunAt?: string;
  /** The set id of the last instruction sent, and what came of it. */
  lastInstruction?: string;
  lastResult?: string;
}

/** What a row asks for; without `restore` a backup. */
export interface MailScheduleRequest {
  spec: ScheduleSpec | null;
  kinds?: DataKind[] | undefined;
  /** A mail backup of this handset to restore at the slot; refused unless `allowRestore`. */
  restore?: string | undefined;
  allowRestore?: boolean | undefined;
}

const file = (pcDir: string) => join(mailRoot(pcDir), 'schedule.json');
const sameRow = (a: MailScheduleEntry, handset: string, restore: boolean) => a.handset === handset && Boolean(a.restore) === restore;

export async function mailSchedules(pcDir: string): Promise<MailScheduleEntry[]> {
  return (await readJson<{ entries: MailScheduleEntry[] }>(file(pcDir), { entries: [] })).entries;
}

async function save(pcDir: string, entries: MailScheduleEntry[]): Promise<void> {
  await ensureDirs(pcDir);
  await writeAtomic(file(pcDir), JSON.stringify({ entries }, null, 2) + '\n');
}

/**
 * Sets a handset's backup row, or its restore row (only with `allowRestore`:
 * a restore overwrites the handset at a time nobody may be watching). With
 * `spec` null, removes the handset's rows. Answers the row set.
 */
export async function setMailSchedule(
  pcDir: string,
  handset: string,
  request: MailScheduleRequest,
  now: Date,
): Promise<MailScheduleEntry | undefined> {
  await loadPcPairing(pcDir, handset);
  const { spec, kinds, restore } = request;
  if (!spec) {
    await save(
      pcDir,
      (await mailSchedules(pcDir)).filter((e) => e.handset !== handset),
    );
    return undefined;
  }
  if (restore !== undefined) {
    if (!request.allowRestore)
      throw new PhoneSafeError(
        'USAGE',
        'a scheduled restore overwrites the handset when nobody may be watching: add --allow-restore to schedule it',
      );
    const backup = await getBackup(pcDir, restore);
    if (backup.handset !== handset) throw new PhoneSafeError('USAGE', `mail backup ${restore} is of ${backup.handset}, not of ${handset}`);
  }
  const others = (await mailSchedules(pcDir)).filter((e) => !sameRow(e, handset, restore !== undefined));
  const entry: MailScheduleEntry = {
    handset,
    spec,
    ...(kinds ? { kinds } : {}),
    ...(restore !== undefined ? { restore } : {}),
    nextRunAt: nextRun(spec, now)?.toISOString() ?? null,
  };
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

/** Notes on `row` (as takeDue answered it) the instruction it sent, or on the row that sent instruction `re` its outcome. */
export async function noteRun(
  pcDir: string,
  row: Pick<MailScheduleEntry, 'handset' | 'restore'> | { re: string },
  change: Pick<MailScheduleEntry, 'lastInstruction' | 'lastResult'>,
): Promise<void> {
  const matches = (e: MailScheduleEntry) => ('re' in row ? e.lastInstruction === row.re : sameRow(e, row.handset, Boolean(row.restore)));
  const entries = await mailSchedules(pcDir);
  await save(
    pcDir,
    entries.map((e) => (matches(e) ? { ...e, ...change } : e)),
  );
}
