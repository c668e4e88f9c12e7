import cliProgress from 'cli-progress';
import type { ProgressFn } from '@phonesafe/handset';
import { humanBytes, type Output } from './output.ts';

/** One report; the pc library reports in the same shape. */
type Progress = Parameters<ProgressFn>[0];

/**
 * Runs `task` with a progress callback that draws a bar on stderr, one bar
 * per phase. Only on a terminal and without --json: logs and pipes get no
 * control characters.
 */
export async function withProgress<T>(out: Output, task: (onProgress: ProgressFn) => Promise<T>): Promise<T> {
  if (out.json || !process.stderr.isTTY) return task(() => {});
  const bar = new PhaseBar();
  try {
    return await task((p) => bar.update(p));
  } finally {
    bar.stop();
  }
}

class PhaseBar {
  #bar: cliProgress.SingleBar | undefined;
  #phase = '';

  update(p: Progress): void {
    if (!this.#bar || p.phase !== this.#phase) {
      this.stop();
      this.#phase = p.phase;
      this.#bar = newBar(p.unit);
      this.#bar.start(p.total, p.done, { phase: p.phase });
      return;
    }
    this.#bar.setTotal(p.total);
    this.#bar.update(p.done);
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}

function newBar(unit: Progress['unit']): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {percentage}% {value}/{total} {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      formatValue: (value, _options, type) =>
        unit === 'bytes' && (type === 'value' || type === 'total') ? humanBytes(value) : String(value),
    },
    cliProgress.Presets.shades_classic,
  );
}
