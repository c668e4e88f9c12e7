/**
 * Applies an owner's retention policy to one handset's committed backups,
 * per kind (storage-format.md, B8): removes the backups the policy drops for
 * every kind they hold and records each in the history. Their blobs stay
 * until `prune` finds them unreferenced.
 */
import type { Clock } from '@phonesafe/protocol';
import type { HistoryRepo } from '../history/history-repo.ts';
import type { CommittedHook } from './backup-hooks.ts';
import type { BackupRepo } from './backup-repo.ts';
import { selectForgottenByKind, type RetentionPolicy } from './retention.ts';

export interface ForgetDeps {
  backups: Pick<BackupRepo, 'listCommitted' | 'remove'>;
  history: Pick<HistoryRepo, 'append'>;
}

/** Retention after every commit, for the committing handset (backup-hooks.ts). */
export function retentionHook(store: ForgetDeps, policy: RetentionPolicy, clock: Clock): CommittedHook {
  return {
    failure: 'retention failed after commit',
    run: async ({ ownerId, handsetId }) => {
      await forgetByPolicy(store, ownerId, handsetId, policy, clock.now().toISOString());
    },
  };
}

/** Returns the ids of the forgotten backups, newest first. */
export async function forgetByPolicy(
  store: ForgetDeps,
  ownerId: string,
  handsetId: string,
  policy: RetentionPolicy,
  now: string,
): Promise<string[]> {
  const { forget } = await planForget(store, ownerId, handsetId, policy);
  const forgotten: string[] = [];
  for (const id of forget) {
    // A concurrent delete may have won; only what this call removed is reported.
    if (!(await store.backups.remove(ownerId, id))) continue;
    await store.history.append({
      at: now,
      ownerId,
      handsetId,
      backupId: id,
      event: 'backup-forgotten',
      detail: 'forgotten by the retention policy',
    });
    forgotten.push(id);
  }
  return forgotten;
}

/**
 * What the policy would keep and forget of one handset's backups, newest
 * first, deleting nothing (`pc forget --dry-run`). Outside the policy, and
 * in neither list: a rescue's save, which has its own retention period
 * (R4, rescue/rescue-sweep.ts), and a backup the owner keeps for good
 * (`pc keep`): the policy never counts or drops them.
 */
export async function planForget(
  store: Pick<ForgetDeps, 'backups'>,
  ownerId: string,
  handsetId: string,
  policy: RetentionPolicy,
): Promise<{ keep: string[]; forget: string[] }> {
  const committed = (await store.backups.listCommitted(ownerId, handsetId)).filter(
    (backup) => backup.trigger !== 'rescue' && backup.keptAt === null,
  );
  return selectForgottenByKind(
    committed.map((backup) => ({
      id: backup.id,
      committedAt: backup.committedAt ?? backup.startedAt,
      kinds: backup.kinds,
      complete: backup.complete,
    })),
    policy,
  );
}
