import { PhoneSafeError } from '../../errors.ts';
import type { OwnerKeys } from '../crypto/owner-keys.ts';
import type { PartRef } from '../../schemas/common.ts';
import type { ManifestFile } from '../../schemas/manifest.ts';
import type { CenterClient } from './center-client.ts';
import { readManifest } from './restore-reader.ts';
import { composeGenerations, type Generation } from '../../restore-plan.ts';

/**
 * What a restore writes: the files, the stored refs of every part they use
 * (owner-scoped ids, wherever they are stored), and the backup the restore
 * order names (the only one, or the newest of a handset's).
 */
export interface RestoreSource {
  backupId: string;
  files: ManifestFile[];
  refs: Map<string, PartRef>;
}

/** One backup, as its manifest lists it. */
export async function backupSource(client: CenterClient, keys: OwnerKeys, backupId: string): Promise<RestoreSource> {
  const detail = await client.getBackup(backupId);
  const manifest = await readManifest(client, keys, detail.manifest);
  return { backupId, files: manifest.files, refs: new Map(detail.parts.map((ref) => [ref.id, ref])) };
}

/**
 * The newest version of each item across every committed backup of the
 * handset (composeGenerations); the order names the newest backup. Every
 * manifest is read, and the part lists of the backups that contribute.
 */
export async function handsetSource(client: CenterClient, keys: OwnerKeys, handsetName: string): Promise<RestoreSource> {
  const summaries = await client.listBackups(handsetName);
  const newest = summaries[0];
  if (!newest) throw new PhoneSafeError('NOT_FOUND', `handset ${handsetName} has no backup to restore`);
  const generations: Generation[] = [];
  for (const summary of summaries) {
    generations.push({
      backupId: summary.backupId,
      committedAt: summary.committedAt,
      manifest: await readManifest(client, keys, summary.manifest),
    });
  }
  const composed = composeGenerations(generations);
  const refs = new Map<string, PartRef>();
  for (const backupId of new Set(composed.map((c) => c.backupId))) {
    for (const ref of (await client.getBackup(backupId)).parts) refs.set(ref.id, ref);
  }
  return { backupId: newest.backupId, files: composed.map((c) => c.file), refs };
}
