import { ALL_KINDS } from '../backup/backup-scope.ts';
import { runBackup, type BackupDeps } from '../backup/backup-engine.ts';
import type { HandsetContext } from '../context.ts';

export interface RescueSaved {
  rescueId: string;
  backupId: string;
  /** Item versions in the saved generation (offloaded stubs included). */
  files: number;
  /** The rescue was saved before (a repeated rescue-save): nothing was sent now. */
  again: boolean;
}

export type RescueSaveDeps = BackupDeps & Pick<HandsetContext, 'rescues'>;

/**
 * R2 save, for the center's `rescue-save`: every kind, whatever the settings
 * say (the owner lost the handset and wants all of it), as a B5 backup with
 * `trigger: rescue` and the rescue id. The engine fixes the generation when
 * the backup opens; it is recorded against the rescue right then, before any
 * part is sent, so the erase later removes exactly those versions. Offloaded
 * stubs are in the generation like in any backup (their parts are at the
 * center already). A broken transfer leaves the open backup recorded; the
 * center's next `rescue-save` resumes it (same scope key, same rescue).
 *
 * Runs in the agent's backup turn, so a repeated request waits for the first
 * and then finds it committed.
 */
export async function saveForRescue(deps: RescueSaveDeps, rescueId: string): Promise<RescueSaved> {
  const { rescues } = deps;
  const known = rescues.get(rescueId);
  if (known?.committed && known.backupId) return { rescueId, backupId: known.backupId, files: known.generation.length, again: true };
  rescues.begin(rescueId, deps.clock.now().toISOString());
  const result = await runBackup(deps, {
    scope: ALL_KINDS,
    trigger: 'rescue',
    rescueId,
    onOpen: (open) => rescues.opened(rescueId, open.backupId, open.generation),
  });
  // The completion notice is what the erase checks the center's backup id against.
  rescues.committed(rescueId, result.backupId);
  return { rescueId, backupId: result.backupId, files: result.files, again: false };
}
