/** Passes `source` through, telling `add` how many bytes went by, piece by piece. */
export async function* countingBytes<T extends Uint8Array>(source: AsyncIterable<T>, add: (bytes: number) => void): AsyncGenerator<T> {
  for await (const piece of source) {
    add(piece.length);
    yield piece;
  }
}
