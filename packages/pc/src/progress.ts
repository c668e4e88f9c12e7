/** Same shape as the handset's progress reports, so one CLI renderer serves both. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
  unit: 'bytes' | 'items';
}
export type ProgressFn = (progress: Progress) => void;
