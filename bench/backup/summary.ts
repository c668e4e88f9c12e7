/**
 * The side-by-side table of the backup benchmark: per profile, PhoneSafe and
 * restic with the ratio (PhoneSafe / restic, ≤ 1.00 is the goal), wall time,
 * stored bytes, peak RSS and CPU seconds per process.
 */
import type { Report, Step } from './run.ts';

const MiB = 1024 * 1024;
type Cell = number | null | undefined;
const sec = (s: Cell): string => (s == null ? '–' : `${s.toFixed(2)} s`);
const mib = (b: Cell): string => (b == null ? '–' : `${(b / MiB).toFixed(1)} MiB`);
const rss = (k: Cell): string => (k == null ? '–' : `${(k / 1024).toFixed(0)} MiB`);
const ratio = (a: Cell, b: Cell): string => (a == null || b == null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);

interface Figure {
  name: string;
  show: (n: Cell) => string;
  phonesafe: (r: Report) => Cell;
  restic: (r: Report) => Cell;
}

const total = (steps: Step[], pick: (s: Step) => Cell): Cell =>
  steps.every((s) => pick(s) != null) ? steps.reduce((t, s) => t + pick(s)!, 0) : null;
const max = (steps: Step[], pick: (s: Step) => Cell): Cell => Math.max(...steps.map((s) => pick(s) ?? 0));
const psSteps = (r: Report): Step[] => [
  r.phonesafe.import,
  r.phonesafe.fullBackup,
  r.phonesafe.reimport,
  r.phonesafe.incrBackup,
  r.phonesafe.restore,
];
const resticSteps = (r: Report): Step[] => (r.restic ? [r.restic.fullBackup, r.restic.incrBackup, r.restic.restore] : []);

const FIGURES: Figure[] = [
  {
    name: 'save+backup (full)',
    show: sec,
    phonesafe: (r) => r.phonesafe.import.seconds + r.phonesafe.fullBackup.seconds,
    restic: (r) => r.restic?.fullBackup.seconds,
  },
  { name: 'backup alone (full)', show: sec, phonesafe: (r) => r.phonesafe.fullBackup.seconds, restic: (r) => r.restic?.fullBackup.seconds },
  {
    name: 'incremental (re-import+backup)',
    show: sec,
    phonesafe: (r) => r.phonesafe.reimport.seconds + r.phonesafe.incrBackup.seconds,
    restic: (r) => r.restic?.incrBackup.seconds,
  },
  { name: 'restore', show: sec, phonesafe: (r) => r.phonesafe.restore.seconds, restic: (r) => r.restic?.restore.seconds },
  { name: 'stored (after incr)', show: mib, phonesafe: (r) => r.phonesafe.storedBytesIncr, restic: (r) => r.restic?.repoBytesIncr },
  {
    name: 'peak RSS handset / restic',
    show: rss,
    phonesafe: (r) => max(psSteps(r), (s) => s.rssKiB),
    restic: (r) => (r.restic ? max(resticSteps(r), (s) => s.rssKiB) : null),
  },
  { name: 'peak RSS center', show: rss, phonesafe: (r) => r.phonesafe.centerPeakRssKiB, restic: () => null },
  {
    name: 'CPU handset / restic (all steps)',
    show: sec,
    phonesafe: (r) => total(psSteps(r), (s) => s.cpuSeconds),
    restic: (r) => (r.restic ? total(resticSteps(r), (s) => s.cpuSeconds) : null),
  },
  { name: 'CPU center (all steps)', show: sec, phonesafe: (r) => total(psSteps(r), (s) => s.centerCpuSeconds), restic: () => null },
];

export function formatProfiles(reports: Report[]): string {
  const head = ['figure', ...reports.flatMap((r) => [`${r.profile} PhoneSafe`, `${r.profile} restic`, 'ratio'])];
  const rows = FIGURES.map((f) => [
    f.name,
    ...reports.flatMap((r) => {
      const [a, b] = [f.phonesafe(r), f.restic(r)];
      return [f.show(a), b == null ? '' : f.show(b), b == null ? '' : ratio(a, b)];
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const images = reports.map(
    (r) => `${r.profile}: ${mib(r.image.bytes)}, ${r.image.files} files (${(r.image.files / r.image.sizeMiB).toFixed(1)} per MiB)`,
  );
  return [
    '',
    `Summary (ratio = PhoneSafe / restic, <= 1.00 is the goal). ${images.join('; ')}`,
    '',
    line(head),
    '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|',
    ...rows.map(line),
  ].join('\n');
}
