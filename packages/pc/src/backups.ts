import { DATA_KINDS, PhoneSafeError, type BackupSummary, type DataKind } from '@phonesafe/protocol';
import { readManifest } from '@phonesafe/protocol/node';
import type { PcSession } from './session.ts';

export interface BackupFile {
  path: string;
  kind: DataKind;
  /** Plaintext size in bytes. */
  size: number;
  /** SHA-256 of the plaintext: same content, same hash (diff and stats compare it). */
  sha256: string;
  /** The file's modification time, as the handset held it. */
  modifiedAt: string;
}

export interface BackupListing extends BackupSummary {
  /** From the sealed manifest; empty when the manifest could not be read. */
  files: BackupFile[];
  /** Plaintext bytes of all files. */
  totalBytes: number;
  /** Kinds the backup covers completely (from the manifest; every item of the kind the handset held). */
  complete: DataKind[];
  /** It covers only some kinds (e.g. a scheduled contacts-only backup): a restore from it brings back only those. */
  partial: boolean;
  /** Set when the manifest could not be fetched or opened; the other backups are still listed. */
  problem?: { code: string; detail: string };
}

/** Committed backups of the owner (newest first), each with its file list. */
export async function listBackups(session: PcSession, options: { handset?: string } = {}): Promise<BackupListing[]> {
  const { client, keys } = session.owner;
  const summaries = await client.listBackups(options.handset);
  return Promise.all(
    summaries.map(async (summary): Promise<BackupListing> => {
      try {
        const manifest = await readManifest(client, keys, summary.manifest);
        const files = manifest.files.map((f) => ({ path: f.path, kind: f.kind, size: f.size, sha256: f.sha256, modifiedAt: f.modifiedAt }));
        // Manifests before `complete` name none: their kinds are all they say.
        const complete = manifest.complete ?? manifest.kinds;
        const partial = DATA_KINDS.some((kind) => !complete.includes(kind));
        return { ...summary, files, totalBytes: files.reduce((sum, f) => sum + f.size, 0), complete, partial };
      } catch (error) {
        // One damaged generation must not hide the others (B8 keeps several).
        if (!(error instanceof PhoneSafeError)) throw error;
        const problem = { code: error.code, detail: error.detail };
        return { ...summary, files: [], totalBytes: 0, complete: [], partial: true, problem };
      }
    }),
  );
}
