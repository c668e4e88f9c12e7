import { createHash, createHmac, randomBytes } from 'node:crypto';
import { zstdCompressSync, zstdDecompressSync, constants as zlib } from 'node:zlib';
import { PhoneSafeError } from '../../errors.ts';
import { FLAG_ZSTD, open, seal } from './envelope.ts';
import { hkdf } from './kdf.ts';

const DATA_KEY_AAD = Buffer.from('phonesafe/v1/data-key');
const COMPRESS_SAMPLE_BYTES = 64 * 1024;
/** Compress only when a sample shrinks by at least this much (3%). */
const COMPRESS_MIN_GAIN = 0.97;

export function newDataKey(): Buffer {
  return randomBytes(32);
}

export function wrapDataKey(kek: Buffer, dataKey: Buffer): string {
  return seal(kek, dataKey, DATA_KEY_AAD).toString('base64');
}

/** Throws DECRYPT_FAILED when the password (and so the kek) is wrong. */
export function unwrapDataKey(kek: Buffer, wrapped: string): Buffer {
  return open(kek, Buffer.from(wrapped, 'base64'), DATA_KEY_AAD).plain;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface SealedPart {
  id: string;
  bytes: Buffer;
  sha256: string;
  /** Plaintext length. */
  plainSize: number;
}

/**
 * Everything an owner's data key opens: part ids, file refs, sealing, and the
 * gear table of the content-defined chunker. Built once per process from the
 * unwrapped data key; holds no other state.
 */
export class OwnerKeys {
  readonly #partIdKey: Buffer;
  readonly #sealKey: Buffer;
  readonly #collectionKek: Buffer;
  readonly #folderRefKey: Buffer;
  readonly gear: Uint32Array;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new PhoneSafeError('DECRYPT_FAILED', 'a data key is 32 bytes');
    this.#partIdKey = hkdf(dataKey, 'phonesafe/v1/part-id');
    this.#sealKey = hkdf(dataKey, 'phonesafe/v1/seal');
    this.#collectionKek = hkdf(dataKey, 'phonesafe/v1/collection-kek');
    this.#folderRefKey = hkdf(dataKey, 'phonesafe/v1/sync-folder-ref');
    this.gear = gearTable(hkdf(dataKey, 'phonesafe/v1/cdc-gear'));
  }

  partId(plain: Uint8Array): string {
    return createHmac('sha256', this.#partIdKey).update(plain).digest('hex');
  }

  fileRef(path: string): string {
    return createHmac('sha256', this.#partIdKey).update(`file\0${path}`).digest('hex').slice(0, 32);
  }

  /**
   * Compresses (when asked and worthwhile) and seals one chunk of plaintext.
   * `id` saves hashing again when the caller has just computed `partId(plain)`.
   */
  sealPart(plain: Uint8Array, options: { compress: boolean; id?: string }): SealedPart {
    const id = options.id ?? this.partId(plain);
    let payload: Uint8Array = plain;
    let flags = 0;
    if (options.compress && worthCompressing(plain)) {
      const packed = zstdCompressSync(plain, { params: { [zlib.ZSTD_c_compressionLevel]: 3 } });
      if (packed.length < plain.length * COMPRESS_MIN_GAIN) {
        payload = packed;
        flags = FLAG_ZSTD;
      }
    }
    const bytes = seal(this.#sealKey, payload, Buffer.from(id, 'ascii'), flags);
    return { id, bytes, sha256: sha256Hex(bytes), plainSize: plain.length };
  }

  /** Wraps a sync collection key (sync.md) for one subscriber and kind; the center stores it and cannot open it. */
  wrapCollectionKey(number: string, kind: string, key: Buffer): string {
    return seal(this.#collectionKek, key, collectionAad(number, kind)).toString('base64');
  }

  /** DECRYPT_FAILED when it was wrapped by another owner, or for another subscriber or kind. */
  unwrapCollectionKey(number: string, kind: string, wrapped: string): Buffer {
    return open(this.#collectionKek, Buffer.from(wrapped, 'base64'), collectionAad(number, kind)).plain;
  }

  /**
   * A subscriber's folder as the center may see it (sync.md "Filters"): the
   * same for every handset and pc of the owner, meaningless to the center.
   * Folders are '/'-paths without a trailing slash (`mail/sent`).
   */
  folderRef(number: string, folder: string): string {
    return createHmac('sha256', this.#folderRefKey).update(`${number}\0${folder}`).digest('hex').slice(0, 32);
  }

  /** Every folder above `path` (`mail/sent/x.eml` → `mail`, `mail/sent`), as references. */
  folderRefsOf(number: string, path: string): string[] {
    const parts = path.split('/').slice(0, -1);
    return parts.map((_, i) => this.folderRef(number, parts.slice(0, i + 1).join('/')));
  }

  /**
   * Opens a sealed part. A damaged part, one sealed with another key, or one
   * stored under another id (the id is in the AAD) fails with DECRYPT_FAILED.
   * The id is not recomputed from the plaintext: the AAD already binds it, and
   * restores check every file against the manifest's SHA-256, so a third hash
   * pass over every byte restored would buy nothing.
   */
  openPart(id: string, sealed: Uint8Array): Buffer {
    const { plain, flags } = open(this.#sealKey, sealed, Buffer.from(id, 'ascii'));
    return flags & FLAG_ZSTD ? zstdDecompressSync(plain) : plain;
  }
}

function collectionAad(number: string, kind: string): Buffer {
  return Buffer.from(`phonesafe/v1/collection-key\0${number}\0${kind}`);
}

function worthCompressing(plain: Uint8Array): boolean {
  if (plain.length <= COMPRESS_SAMPLE_BYTES) return true;
  const sample = plain.subarray(0, COMPRESS_SAMPLE_BYTES);
  const packed = zstdCompressSync(sample, { params: { [zlib.ZSTD_c_compressionLevel]: 1 } });
  return packed.length < sample.length * COMPRESS_MIN_GAIN;
}

/** 256 pseudo-random 32-bit words from a seed (SHA-256 in counter mode). */
function gearTable(seed: Buffer): Uint32Array {
  const table = new Uint32Array(256);
  for (let block = 0; block < 32; block++) {
    const digest = createHash('sha256').update(seed).update(Uint8Array.of(block)).digest();
    for (let i = 0; i < 8; i++) table[block * 8 + i] = digest.readUInt32LE(i * 4);
  }
  return table;
}
