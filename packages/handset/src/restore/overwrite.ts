import { PhoneSafeError, type ManifestFile, type OverwritePolicy } from '@phonesafe/protocol';
import type { Memory } from '../memory/memory.ts';

/** An answer to "overwrite this file?"; 'all' and 'none' also answer for the files after it. */
export type OverwriteAnswer = 'yes' | 'no' | 'all' | 'none';
export type AskOverwrite = (path: string) => Promise<OverwriteAnswer>;

export interface RestoreSelection {
  write: ManifestFile[];
  skipped: ManifestFile[];
  alreadyThere: ManifestFile[];
}

/**
 * B6 step S24: which backed-up files to write. A file the memory holds with
 * the same content is already there; one it holds with other content is
 * overwritten only as the policy (or the owner, asked per file) says. All
 * questions are asked before anything is written, and with 'ask' but no way
 * to ask, nothing is written at all.
 */
export async function selectForRestore(
  files: readonly ManifestFile[],
  memory: Memory,
  policy: OverwritePolicy,
  ask?: AskOverwrite,
): Promise<RestoreSelection> {
  const selection: RestoreSelection = { write: [], skipped: [], alreadyThere: [] };
  const conflicts: ManifestFile[] = [];
  for (const file of files) {
    const held = memory.byPath(file.path);
    if (!held) selection.write.push(file);
    else if (held.sha256 === file.sha256) selection.alreadyThere.push(file);
    else conflicts.push(file);
  }
  if (policy === 'ask' && !ask && conflicts.length > 0) {
    const paths = conflicts.map((f) => f.path);
    throw new PhoneSafeError('OVERWRITE_REFUSED', `restoring would overwrite ${paths.length} file(s) that differ: ${paths.join(', ')}`, {
      paths,
    });
  }
  let standing: 'all' | 'none' | undefined = policy === 'yes' ? 'all' : policy === 'no' ? 'none' : undefined;
  for (const file of conflicts) {
    const answer = standing ?? (await ask!(file.path));
    if (answer === 'all' || answer === 'none') standing = answer;
    (answer === 'yes' || answer === 'all' ? selection.write : selection.skipped).push(file);
  }
  return selection;
}
