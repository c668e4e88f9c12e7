/**
 * Content-defined chunking (FastCDC, Xia et al., USENIX ATC 2016, with
 * normalized chunking level 2), so that an edit inside a large file changes
 * only the chunks around it. Sizes follow restic's order of magnitude:
 * min 256 KiB, average 1 MiB, max 4 MiB. The gear table comes from the
 * owner's key (see docs/design/encryption.md).
 */
export interface ChunkSizes {
  min: number;
  avg: number;
  max: number;
}

export const DEFAULT_CHUNK_SIZES: ChunkSizes = { min: 256 * 1024, avg: 1024 * 1024, max: 4 * 1024 * 1024 };

function maskWithBits(bits: number): number {
  // Spread the one-bits over the word, as FastCDC does, using the high bits
  // where the gear hash has mixed the most bytes.
  return bits >= 32 ? 0xffffffff : (((1 << bits) - 1) << (32 - bits)) >>> 0;
}

export class Chunker {
  readonly #gear: Uint32Array;
  readonly #sizes: ChunkSizes;
  readonly #maskSmall: number;
  readonly #maskLarge: number;

  constructor(gear: Uint32Array, sizes: ChunkSizes = DEFAULT_CHUNK_SIZES) {
    if (gear.length !== 256) throw new Error('gear table must have 256 entries');
    if (!(sizes.min > 0 && sizes.min <= sizes.avg && sizes.avg <= sizes.max))
      throw new Error('chunk sizes must satisfy 0 < min <= avg <= max');
    this.#gear = gear;
    this.#sizes = sizes;
    const bits = Math.round(Math.log2(sizes.avg));
    this.#maskSmall = maskWithBits(bits + 2);
    this.#maskLarge = maskWithBits(bits - 2);
  }

  get maxSize(): number {
    return this.#sizes.max;
  }

  /**
   * Length of the first chunk of `data` (from `start`). When `final` is false
   * and no cut point is found before the data ends, returns 0: the caller must
   * supply more bytes.
   */
  cut(data: Uint8Array, start: number, final: boolean): number {
    const { min, avg, max } = this.#sizes;
    const remaining = data.length - start;
    if (remaining <= min) return final ? remaining : 0;
    const limit = Math.min(remaining, max);
    const normal = Math.min(limit, avg);
    const gear = this.#gear;
    let hash = 0;
    let i = min;
    for (; i < normal; i++) {
      hash = ((hash << 1) + gear[data[start + i]!]!) >>> 0;
      if ((hash & this.#maskSmall) === 0) return i + 1;
    }
    for (; i < limit; i++) {
      hash = ((hash << 1) + gear[data[start + i]!]!) >>> 0;
      if ((hash & this.#maskLarge) === 0) return i + 1;
    }
    if (limit === max) return max;
    return final ? remaining : 0;
  }

  /** All chunk boundaries of an in-memory buffer, as [offset, length] pairs. */
  split(data: Uint8Array): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let offset = 0;
    while (offset < data.length) {
      const length = this.cut(data, offset, true);
      out.push([offset, length]);
      offset += length;
    }
    return out;
  }
}
