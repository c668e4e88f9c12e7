import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import { readManifest } from '@phonesafe/protocol/node';
import { pruneArea, type BackupArea } from '../backup-area/backup-area.ts';
import type { PartIndex } from '../backup-area/part-index.ts';
import type { Profile, VersionKey } from '../backup-area/profile.ts';
import type { HandsetDb } from '../db/database.ts';
import type { MemoryStore } from '../memory/memory-store.ts';
import type { Session } from '../session.ts';
import type { OpenBackupStore } from '../transfer/open-backup.ts';
import type { Serial } from '../util/serial.ts';
import type { RescueRecord, RescueStore } from './rescue-store.ts';

export interface RescueEraseDeps {
  session: Session;
  db: HandsetDb;
  clock: Clock;
  /** Serialises writes to the memory and the backup area (see agent.ts). */
  writes: Serial;
  memory: MemoryStore;
  profile: Profile;
  index: PartIndex;
  area: BackupArea;
  openBackups: OpenBackupStore;
  rescues: RescueStore;
}

export interface RescueErased {
  rescueId: string;
  backupId: string;
  /** Items erased from the memory (stubs included). */
  erasedItems: number;
  /** Saved items left in place because they changed after the snapshot: their newer data was never saved. */
  keptItems: number;
  /** Erased before (a repeated rescue-erase): only the report was sent again. */
  again: boolean;
}

/**
 * R2 erase, for the center's `rescue-erase {rescueId, backupId}`: removes
 * exactly the item versions the rescue's backup saved — content, item row,
 * profile records, and the backup-area copies and part records nothing else
 * uses — then reports `POST /v1/rescue/:id/erased`. An item saved again after
 * the snapshot is kept, so nothing unsaved is lost. The identity and keys
 * stay, so the handset can still be reached for a restore (R3).
 *
 * Erasing needs proof that the center holds what is erased: the backup id
 * must be the one the completion notice named; without that notice (e.g. the
 * handset went down between the center's commit and its answer), the center
 * must show the backup and its manifest must list every saved version.
 *
 * Idempotent: the erase and its record are one transaction, so a repeated
 * request (the center sends one on every reconnect until it has the report)
 * reports the first erase again. Runs in the agent's backup turn, so no
 * backup is between reading and naming these versions meanwhile.
 */
export async function eraseForRescue(deps: RescueEraseDeps, request: { rescueId: string; backupId: string }): Promise<RescueErased> {
  const { rescueId, backupId } = request;
  const rescue = deps.rescues.get(rescueId);
  if (!rescue?.backupId) throw new PhoneSafeError('NOT_FOUND', `this handset has saved nothing for rescue ${rescueId}; nothing is erased`);
  if (rescue.erased) checkSameBackup(rescue, backupId);
  else await confirmSaved(deps, rescue, backupId);
  const erased = rescue.erased ?? (await deps.writes.run(() => eraseGeneration(deps, rescue)));
  await deps.writes.run(() => removeErasedContent(deps, rescue.generation));
  await deps.session.client.rescueErased(rescueId, { backupId, erasedItems: erased.items });
  return { rescueId, backupId, erasedItems: erased.items, keptItems: erased.kept, again: rescue.erased !== null };
}

function checkSameBackup(rescue: RescueRecord, backupId: string): void {
  if (rescue.backupId !== backupId) {
    throw new PhoneSafeError(
      'FORBIDDEN',
      `rescue ${rescue.rescueId} was saved as backup ${rescue.backupId}, not ${backupId}; nothing is erased`,
    );
  }
}

/** The center holds every version about to be erased; see eraseForRescue. */
async function confirmSaved(deps: RescueEraseDeps, rescue: RescueRecord, backupId: string): Promise<void> {
  if (rescue.committed) return checkSameBackup(rescue, backupId);
  const { client, keys, identity } = deps.session;
  const detail = await client.getBackup(backupId);
  if (detail.handsetId !== identity.handsetId) {
    throw new PhoneSafeError('FORBIDDEN', `backup ${backupId} is not this handset's; nothing is erased`);
  }
  const manifest = await readManifest(client, keys, detail.manifest);
  const listed = new Set(manifest.files.map((file) => versionTag(file)));
  const absent = rescue.generation.filter((key) => !listed.has(versionTag(key)));
  if (absent.length > 0) {
    throw new PhoneSafeError(
      'FORBIDDEN',
      `backup ${backupId} lacks ${absent.length} of the ${rescue.generation.length} item versions rescue ${rescue.rescueId} saves; nothing is erased`,
    );
  }
  deps.rescues.committed(rescue.rescueId, backupId);
}

/** Inside the serial writes: rows first, in one transaction with the record; content files after (removeErasedContent). */
async function eraseGeneration(deps: RescueEraseDeps, rescue: RescueRecord): Promise<{ items: number; kept: number }> {
  const { memory, profile } = deps;
  const counts = deps.db.transaction(() => {
    let items = 0;
    let kept = 0;
    for (const key of rescue.generation) {
      const item = memory.byId(key.itemId);
      // Saved again after the snapshot: that version is not at the center, so the item stays whole.
      if (item && item.version !== key.version) {
        kept++;
        continue;
      }
      if (item) {
        memory.removeRow(item.id);
        items++;
      }
      profile.forgetItem(key.itemId);
    }
    // An open backup naming an erased version could never be sent: the next run starts afresh.
    const open = deps.openBackups.get();
    if (open && open.generation.some((key) => !memory.byId(key.itemId))) deps.openBackups.clear();
    deps.index.forgetUnused();
    deps.rescues.markErased(rescue.rescueId, deps.clock.now().toISOString(), items, kept);
    return { items, kept };
  });
  await pruneArea(deps.index, deps.area);
  return counts;
}

/** Content files of erased items; also those a crash after the transaction left behind (the repeated request clears them). */
async function removeErasedContent(deps: RescueEraseDeps, generation: readonly VersionKey[]): Promise<void> {
  for (const key of generation) {
    if (!deps.memory.byId(key.itemId)) await deps.memory.removeContent(key.itemId);
  }
}

function versionTag(key: VersionKey): string {
  return `${key.itemId}@${key.version}`;
}
