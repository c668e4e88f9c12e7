import { pruneArea } from '../backup-area/backup-area.ts';
import type { HandsetContext } from '../context.ts';

/** What forgetting the enrollment removes, under the write lock. */
export type UnenrollDeps = Pick<HandsetContext, 'db' | 'writes' | 'versions' | 'index' | 'area' | 'openBackups' | 'identities'>;

/**
 * Ends the enrollment once the center has revoked the handset's credential
 * (it reported a rescue erase, seed 004): whoever holds the handset now must
 * not reach the owner's data through what is left on it. What was sealed or
 * keyed with the owner's key goes first (backup-area copies, profile, part
 * index, an open backup), then the credential and the key. A crash between
 * the two leaves an enrolled handset without copies, which its next backup
 * would remake and which the center refuses anyway, so the next refusal
 * forgets again. The memory and history stay: an item changed after the
 * rescue's snapshot was never saved, so it is not erased (rescue/erase.ts).
 */
export async function forgetEnrollment(deps: UnenrollDeps): Promise<void> {
  await deps.writes.run(async () => {
    deps.db.transaction(() => {
      deps.openBackups.clear();
      deps.versions.clear();
      deps.index.clear();
    });
    await pruneArea(deps.index, deps.area);
    await deps.identities.forget();
  });
}
