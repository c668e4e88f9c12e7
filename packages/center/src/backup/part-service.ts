import { forEachConcurrent, MAX_BATCH_BYTES, PhoneSafeError, type Clock, type PartAck, type PartRef } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import { readPacked, type BlobStore } from '../blobs/blob-store.ts';
import type { PartRepo, StoredPart } from './part-repo.ts';
import { KeyedLock } from './keyed-lock.ts';
import { partSha256 } from './part-hash.ts';
import { PACK_PART_LIMIT, storePacked } from './part-packer.ts';
import { refOf, writePart } from './part-writer.ts';

export interface PartServiceDeps {
  parts: Pick<PartRepo, 'find' | 'findStored' | 'record' | 'recordPacked' | 'touch' | 'repair' | 'markDamaged' | 'clearDamaged'>;
  blobs: BlobStore;
  clock: Clock;
  maxPartBytes: number;
  /** Prune's grace period: a part answered as present is kept at least half of it (see `#fence`). */
  pruneGraceMs: number;
  /** Throws QUOTA_EXCEEDED when `newBytes` more would take the owner over its quota (backup/quota.ts). */
  checkQuota: (handset: HandsetCaller, newBytes: number) => Promise<void>;
}

/** Parts of one batch stored (or read) at once; stores each under its id's lock, so two of one id still go one after the other. */
const STORES_IN_FLIGHT = 8;

/** Sealed parts, scoped by owner: one owner's part ids say nothing about another's. */
export class PartService {
  readonly #deps: PartServiceDeps;
  /** Uploads of one part id for one owner run one at a time (see `put`). */
  readonly #uploads = new KeyedLock();

  constructor(deps: PartServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Which parts must still be sent, and how the others are stored: a part
   * another handset of this owner sent has other sealed bytes (random nonce)
   * than the asker's copy, so the asker needs the stored size and hash to
   * name it in its end notice. A damaged part is missing: the asker sends it
   * again, which repairs it.
   */
  async missing(ownerId: string, ids: string[]): Promise<{ missing: string[]; present: PartRef[] }> {
    await this.#fence(ownerId, ids);
    const present = (await this.#deps.parts.findStored(ownerId, ids)).filter((part) => !part.damaged).map(refOf);
    const stored = new Set(present.map((p) => p.id));
    return { missing: [...new Set(ids)].filter((id) => !stored.has(id)), present };
  }

  /**
   * B5: stores one sealed part (part-writer.ts). Idempotent: the same bytes
   * again answer 'existing'; other bytes under a recorded intact id are
   * PART_CONFLICT; under a damaged one they repair it ('new').
   */
  async put(handset: HandsetCaller, id: string, bytes: Uint8Array, declaredSha256: string): Promise<PartAck> {
    const { ownerId } = handset;
    const ref = await this.#checked(id, bytes, declaredSha256);
    await this.#checkQuota(handset, [ref]);
    const ack = await this.#store(ownerId, ref, bytes);
    if (ack.ack.sha256 !== ref.sha256) throw new PhoneSafeError('PART_CONFLICT', `part ${id} is stored with other bytes`, { id });
    return ack;
  }

  /**
   * A batch of parts (protocol schemas/part-batch.ts): every part is checked
   * before any is stored, so a bad batch stores nothing. Parts recorded
   * intact are answered with the stored ref ('existing', whatever its bytes);
   * new parts below PACK_PART_LIMIT go into one pack with their rows in one
   * transaction (part-packer.ts); larger ones and repairs of damaged parts
   * are stored one by one as by `put`.
   */
  async putBatch(handset: HandsetCaller, batch: ReadonlyArray<{ ref: PartRef; bytes: Uint8Array }>): Promise<PartAck[]> {
    const checked = new Array<{ ref: PartRef; bytes: Uint8Array }>(batch.length);
    await forEachConcurrent([...batch.keys()], STORES_IN_FLIGHT, async (i) => {
      const { ref, bytes } = batch[i]!;
      checked[i] = { ref: await this.#checked(ref.id, bytes, ref.sha256), bytes };
    });
    await this.#checkQuota(
      handset,
      checked.map(({ ref }) => ref),
    );
    const { ownerId } = handset;
    await this.#fence(
      ownerId,
      checked.map(({ ref }) => ref.id),
    );
    const known = new Map(
      (
        await this.#deps.parts.findStored(
          ownerId,
          checked.map(({ ref }) => ref.id),
        )
      ).map((part) => [part.id, part]),
    );
    const acks: PartAck[] = new Array<PartAck>(checked.length);
    const packed: number[] = [];
    const single: number[] = [];
    for (const [i, { ref }] of checked.entries()) {
      const row = known.get(ref.id);
      if (row && !row.damaged) acks[i] = { ack: refOf(row), stored: 'existing' };
      else (row || ref.size >= PACK_PART_LIMIT ? single : packed).push(i);
    }
    const packAcks = await storePacked(
      this.#deps,
      ownerId,
      packed.map((i) => checked[i]!),
    );
    for (const [n, i] of packed.entries()) acks[i] = packAcks[n]!;
    await forEachConcurrent(single, STORES_IN_FLIGHT, async (i) => {
      acks[i] = await this.#store(ownerId, checked[i]!.ref, checked[i]!.bytes);
    });
    return acks;
  }

  /** The whole request is refused, storing nothing, if its parts the center does not hold yet would not fit; repairs and duplicates cost nothing. */
  async #checkQuota(handset: HandsetCaller, refs: readonly PartRef[]): Promise<void> {
    const known = new Set(
      (
        await this.#deps.parts.findStored(
          handset.ownerId,
          refs.map((ref) => ref.id),
        )
      ).map((part) => part.id),
    );
    const newBytes = refs.filter((ref) => !known.has(ref.id)).reduce((sum, ref) => sum + ref.size, 0);
    await this.#deps.checkQuota(handset, newBytes);
  }

  async #checked(id: string, bytes: Uint8Array, declaredSha256: string): Promise<PartRef> {
    if (bytes.length > this.#deps.maxPartBytes) {
      throw new PhoneSafeError('PART_TOO_LARGE', `a part is at most ${this.#deps.maxPartBytes} bytes`);
    }
    const ref: PartRef = { id, size: bytes.length, sha256: await partSha256(bytes) };
    if (ref.sha256 !== declaredSha256) {
      throw new PhoneSafeError('PART_HASH_MISMATCH', `part ${id}: the bytes' SHA-256 is ${ref.sha256}, ${declaredSha256} was declared`, {
        id,
      });
    }
    return ref;
  }

  /** Through `writePart`, one upload of an id at a time in this process; the fence first, so prune leaves a row found here. */
  #store(ownerId: string, ref: PartRef, bytes: Uint8Array): Promise<PartAck> {
    return this.#uploads.run(`${ownerId}/${ref.id}`, async () => {
      await this.#fence(ownerId, [ref.id]);
      return writePart(this.#deps, ownerId, ref, bytes);
    });
  }

  /**
   * Before a part is answered as present, its `used_at` is brought within
   * half the grace period, so prune (which takes parts unused for the whole
   * period) leaves it for at least the other half: the handset then commits
   * the backup that reuses it instead of failing with PART_MISSING. Rows are
   * written only when stale, so a backup's many questions cost few writes.
   * Touch first, read after: a touch waits for a prune deleting the row, and
   * the read then finds it gone.
   */
  async #fence(ownerId: string, ids: string[]): Promise<void> {
    const now = this.#deps.clock.now();
    const staleBefore = new Date(now.getTime() - this.#deps.pruneGraceMs / 2).toISOString();
    await this.#deps.parts.touch(ownerId, ids, staleBefore, now.toISOString());
  }

  /** The stored bytes, checked against the recorded hash. Throws NOT_FOUND or PART_DAMAGED. */
  async get(ownerId: string, id: string): Promise<{ bytes: Uint8Array; sha256: string }> {
    const part = await this.#deps.parts.find(ownerId, id);
    if (!part) throw new PhoneSafeError('NOT_FOUND', `no part ${id}`);
    return { bytes: await this.#read(ownerId, part), sha256: part.sha256 };
  }

  /**
   * Several stored parts (POST /v1/parts/fetch), each checked as by `get`.
   * Their recorded sizes must add up to at most MAX_BATCH_BYTES, so one
   * request never holds more than that in memory.
   */
  async getBatch(ownerId: string, ids: readonly string[]): Promise<Array<{ ref: PartRef; bytes: Uint8Array }>> {
    const refs = new Map((await this.#deps.parts.findStored(ownerId, [...ids])).map((part) => [part.id, part]));
    const absent = ids.find((id) => !refs.has(id));
    if (absent) throw new PhoneSafeError('NOT_FOUND', `no part ${absent}`);
    const total = [...refs.values()].reduce((sum, ref) => sum + ref.size, 0);
    if (total > MAX_BATCH_BYTES)
      throw new PhoneSafeError('VALIDATION_FAILED', `body.ids: the parts hold ${total} bytes; a fetch answers at most ${MAX_BATCH_BYTES}`);
    // Read with several in flight, answered in the asked order (the batch is at most MAX_BATCH_BYTES in memory either way).
    const batch = new Array<{ ref: PartRef; bytes: Uint8Array }>(ids.length);
    await forEachConcurrent([...ids.keys()], STORES_IN_FLIGHT, async (i) => {
      const part = refs.get(ids[i]!)!;
      batch[i] = { ref: refOf(part), bytes: await this.#read(ownerId, part) };
    });
    return batch;
  }

  /** Bad bytes found here mark the part damaged, so the next backup holding it sends it again; good ones lift a stale mark. */
  async #read(ownerId: string, part: StoredPart): Promise<Uint8Array> {
    const { id } = part;
    let bytes = await this.#bytesOf(ownerId, part);
    if (!bytes && part.pack) {
      // A repack may have moved the row since it was read, and swept the old pack: read the row again before calling it missing.
      const now = await this.#deps.parts.find(ownerId, id);
      if (now && now.sha256 === part.sha256 && (now.pack?.id !== part.pack.id || now.pack.offset !== part.pack.offset)) {
        bytes = await this.#bytesOf(ownerId, now);
      }
    }
    const problem = !bytes
      ? 'its bytes are missing'
      : bytes.length !== part.size || (await partSha256(bytes)) !== part.sha256
        ? 'it no longer matches its recorded SHA-256'
        : undefined;
    if (problem || !bytes) {
      await this.#deps.parts.markDamaged(ownerId, id, part.sha256);
      throw new PhoneSafeError('PART_DAMAGED', `part ${id} is recorded but ${problem}`, { id });
    }
    if (part.damaged) await this.#deps.parts.clearDamaged(ownerId, id, part.sha256);
    return bytes;
  }

  /** The part's bytes from its pack or its blob file; undefined when they are gone. */
  async #bytesOf(ownerId: string, part: StoredPart): Promise<Uint8Array | undefined> {
    return part.pack
      ? readPacked(this.#deps.blobs, ownerId, part.pack, part.size)
      : this.#deps.blobs.get({ ownerId, id: part.id, sha256: part.sha256 });
  }
}
