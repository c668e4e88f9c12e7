import { z } from 'zod';
import { HandsetName, Id, Kind, PartId, Sha256Hex, Timestamp } from './common.ts';

/**
 * The manifest names every file of one backup generation and the parts that
 * make it up. It is sealed like any other part and uploaded before the end
 * notice, so only holders of the owner's data key (handsets, the owner's pc)
 * can read names, kinds and sizes. See docs/design/storage-format.md.
 */
export const ManifestFile = z.strictObject({
  path: z.string().min(1).max(4096),
  kind: Kind,
  itemId: z.string().min(1).max(64),
  /** Serial version of the item in the handset's backup area (001, 002, ... as numbers). */
  version: z.number().int().positive(),
  /** Plaintext size in bytes. */
  size: z.number().int().nonnegative(),
  /** SHA-256 of the plaintext, checked after a restore reassembles the file. */
  sha256: Sha256Hex,
  modifiedAt: Timestamp,
  parts: z.array(z.strictObject({ id: PartId, size: z.number().int().nonnegative() })),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const Manifest = z.strictObject({
  format: z.literal('phonesafe-manifest'),
  version: z.literal(1),
  handsetId: Id,
  handsetName: HandsetName,
  createdAt: Timestamp,
  kinds: z.array(Kind),
  /**
   * Kinds this generation covers completely: every item of the kind the
   * handset held is in `files`, so one absent is one the handset no longer
   * had. Other files (a target filter's picks, offloaded stubs) are only
   * some of their kind. Absent in manifests written before: covers none.
   */
  complete: z.array(Kind).optional(),
  files: z.array(ManifestFile),
});
export type Manifest = z.infer<typeof Manifest>;
