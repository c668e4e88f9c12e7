import { PhoneSafeError, type BackupSummary, type DataKind } from '@phonesafe/protocol';
import { readManifest } from '@phonesafe/protocol/node';
import type { PcSession } from './session.ts';

export interface BackupFile {
  path: string;
  kind: DataKind;
  /** Plaintext size in bytes. */
  size: number;
}

export interface BackupListing extends BackupSummary {
  /** From the sealed manifest; empty when the manifest could not be read. */
  files: BackupFile[];
  /** Plaintext bytes of all files. */
  totalBytes: number;
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
        const files = manifest.files.map((f) => ({ path: f.path, kind: f.kind, size: f.size }));
        return { ...summary, files, totalBytes: files.reduce((sum, f) => sum + f.size, 0) };
      } catch (error) {
        // One damaged generation must not hide the others (B8 keeps several).
        if (!(error instanceof PhoneSafeError)) throw error;
        return { ...summary, files: [], totalBytes: 0, problem: { code: error.code, detail: error.detail } };
      }
    }),
  );
}
