/**
 * Progress of a long operation; the engine reports, the caller decides how
 * to show it. Phases: 'import', 'export', 'restore', 'upload' (bytes) and
 * 'copy' (items owed a backup copy, at the start of a backup).
 */
export type ProgressFn = (p: { phase: string; done: number; total: number; unit: 'bytes' | 'items' }) => void;

/** Passes `source` through, telling `add` how many bytes went by, piece by piece. */
export async function* countingBytes<T extends Uint8Array>(source: AsyncIterable<T>, add: (bytes: number) => void): AsyncGenerator<T> {
  for await (const piece of source) {
    add(piece.length);
    yield piece;
  }
}
