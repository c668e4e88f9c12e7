/** A `parts` row as the repository answers it. */
import type { StoredPart } from './part-repo.ts';

/** The columns of a StoredPart. */
export const STORED = ['id', 'size', 'sha256', 'damaged', 'pack_id', 'pack_offset'] as const;

export function toStored(row: {
  id: string;
  size: number;
  sha256: string;
  damaged: number;
  pack_id: string | null;
  pack_offset: number | null;
}): StoredPart {
  const pack = row.pack_id === null ? null : { id: row.pack_id, offset: Number(row.pack_offset) };
  return { id: row.id, size: row.size, sha256: row.sha256, damaged: row.damaged === 1, pack };
}
