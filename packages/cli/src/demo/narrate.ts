/** The demo's narration of what the handsets' `handset run --json` lines report. */
import type { RunEvent } from '../run-events.ts';
import type { LineChild } from './processes.ts';

/** Tells each run event of a handset as it comes. */
export function narrateRun(h: { name: string; run?: LineChild<RunEvent> }, say: (line: string) => void): void {
  let shown = 0;
  const show = () => {
    for (; shown < h.run!.lines.length; shown++) {
      const line = describe(h.run!.lines[shown]!);
      if (line) say(`handset ${h.name}: ${line}`);
    }
  };
  show();
  // Poll the collected lines: the child's reader owns the stream.
  const timer = setInterval(show, 50);
  void h.run!.exited.then(() => (show(), clearInterval(timer)));
}

function describe(e: RunEvent): string | undefined {
  switch (e.event) {
    case 'backup-start':
      return `backup start request (attempt ${e.attempt})`;
    case 'answered':
      return `answered ${e.answer}${e.reason ? ` (${e.reason})` : ''}`;
    case 'backup-committed':
      return `backup ${e.backupId} of ${e.kinds.join(', ')} committed (${e.files} files sent); completion notice received`;
    case 'backup-failed':
      return `backup failed: ${e.code}: ${e.detail}`;
    case 'restore-applied':
      return `restore of backup ${e.backupId} applied: ${e.restored} files restored`;
    case 'disconnected':
      return `disconnected (${e.reason}); reconnecting in ${e.reconnectInSeconds} s`;
    case 'refused':
      return `the center refused a message: ${e.code}`;
    default:
      return undefined;
  }
}
