import type { ProgressFn } from '../util/progress.ts';
import type { Serial } from '../util/serial.ts';
import type { Copier } from './copier.ts';
import type { VersionRecords } from './version-records.ts';

/**
 * Makes the backup copies an item is owed: items saved before enrollment, or
 * whose copy was interrupted. Runs at enrollment and at the start of a backup.
 */
export async function copyUncopied(versions: VersionRecords, copier: Copier, writes: Serial, onProgress?: ProgressFn): Promise<void> {
  const ids = versions.uncopiedItemIds();
  for (const [index, id] of ids.entries()) {
    await writes.run(() => copier.copyIfMissing(id));
    onProgress?.({ phase: 'copy', done: index + 1, total: ids.length, unit: 'items' });
  }
}
