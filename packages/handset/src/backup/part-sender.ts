import { forEachConcurrent, PhoneSafeError, planBatches, type PartRef } from '@phonesafe/protocol';
import { type SealedPart } from '@phonesafe/protocol/node';
import type { HandsetContext } from '../context.ts';
import type { Session } from '../session.ts';
import type { ProgressFn } from '../util/progress.ts';

/** The protocol's request limit is 100,000 ids; smaller batches keep each answer quick. */
const MISSING_BATCH = 5_000;
/**
 * Requests in flight: single large parts, or batches of small ones
 * (PUT /v1/parts, planBatches): most items of a handset are small, and one
 * request per part cost more than their bytes.
 */
const CONCURRENT_UPLOADS = 4;
/** Backup-area files read at once for one batch. */
const READS_IN_FLIGHT = 8;

export type SenderDeps = Pick<HandsetContext, 'index' | 'area'> & { session: Session };

/**
 * Moves parts from the backup area to the center (B5): asks which are
 * missing, uploads those with a few in flight, and records each
 * acknowledgement the moment it arrives, so a transfer broken at any point
 * resumes without sending an acknowledged part again.
 */
export class PartSender {
  readonly #deps: SenderDeps;

  constructor(deps: SenderDeps) {
    this.#deps = deps;
  }

  /**
   * The ids the center lacks. The index forgets that it had those (the center
   * may have pruned them) and adopts the center's ref of the others: sealing
   * is randomised, so a part another handset of the owner sent (or whose
   * acknowledgement was lost) is stored with other bytes than our copy, and
   * the end notice must name the center's.
   */
  async missing(ids: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (let start = 0; start < ids.length; start += MISSING_BATCH) {
      const status = await this.#deps.session.client.partStatus(ids.slice(start, start + MISSING_BATCH));
      missing.push(...status.missing);
      this.#deps.index.recordAllAtCenter(status.present);
    }
    this.#deps.index.markMissing(missing);
    return missing;
  }

  async upload(ids: readonly string[], onProgress?: ProgressFn): Promise<{ parts: number; bytes: number }> {
    const refs = ids.map((id) => {
      const ref = this.#deps.index.ref(id);
      if (!ref) throw new PhoneSafeError('LOCAL_IO', `part ${id} is missing from the backup area`);
      return ref;
    });
    const total = refs.reduce((sum, ref) => sum + ref.size, 0);
    const sent = { parts: 0, bytes: 0 };
    let done = 0;
    await forEachConcurrent(
      planBatches(refs, (ref) => ref.size),
      CONCURRENT_UPLOADS,
      async (group) => {
        // A few files at a time: a batch holds up to 500 parts, and reading them all at once ran out of file descriptors.
        const parts = new Array<{ ref: PartRef; bytes: Buffer }>(group.length);
        await forEachConcurrent([...group.keys()], READS_IN_FLIGHT, async (i) => {
          parts[i] = { ref: group[i]!, bytes: await this.#read(group[i]!.id) };
        });
        const [only] = parts;
        const answers =
          parts.length === 1 && only
            ? [await this.#put({ id: only.ref.id, bytes: only.bytes, sha256: only.ref.sha256 })]
            : await this.#putBatch(parts);
        this.#deps.index.recordAllAtCenter(answers.map((answer) => answer.ref));
        answers.forEach((answer, i) => {
          const size = parts[i]!.bytes.length;
          if (answer.sent) {
            sent.parts++;
            sent.bytes += size;
          }
          done += size;
        });
        onProgress?.({ phase: 'upload', done, total, unit: 'bytes' });
      },
    );
    return sent;
  }

  /** Uploads one sealed part held in memory (the manifest) and returns the ref the center keeps. */
  async sendSealed(part: Pick<SealedPart, 'id' | 'bytes' | 'sha256'>): Promise<PartRef> {
    return (await this.#put(part)).ref;
  }

  async #read(id: string): Promise<Buffer> {
    const bytes = await this.#deps.area.read(id);
    if (!bytes) throw new PhoneSafeError('LOCAL_IO', `part ${id} is missing from the backup area`);
    return bytes;
  }

  /** One ack per part, in order; a part the center holds with other bytes comes back as the stored ref, not sent. */
  async #putBatch(parts: ReadonlyArray<{ ref: PartRef; bytes: Uint8Array }>): Promise<Array<{ ref: PartRef; sent: boolean }>> {
    const acks = await this.#deps.session.client.putParts(parts);
    return acks.map(({ ack }, i) => ({ ref: ack, sent: ack.sha256 === parts[i]!.ref.sha256 }));
  }

  /** The part's acknowledgement; when the center holds other bytes under this id, the ref of those. */
  async #put(part: Pick<SealedPart, 'id' | 'bytes' | 'sha256'>): Promise<{ ref: PartRef; sent: boolean }> {
    try {
      const { ack } = await this.#deps.session.client.putPart(part.id, part.bytes, part.sha256);
      return { ref: ack, sent: true };
    } catch (error) {
      // What happened, not whether to retry: the id is stored with other bytes, so the center's copy is named.
      if (!(error instanceof PhoneSafeError) || error.code !== 'PART_CONFLICT') throw error;
      // Another handset of the owner stored this part meanwhile: name its copy.
      const [stored] = (await this.#deps.session.client.partStatus([part.id])).present;
      if (!stored) throw error;
      return { ref: stored, sent: false };
    }
  }
}
