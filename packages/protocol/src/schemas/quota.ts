import { z } from 'zod';

const Bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * The owner's storage quota (B4; wire-protocol.md). The operator sets
 * `centerQuotaBytes` (or the center's default applies); the owner may set a
 * lower `limitBytes` of its own. `quotaBytes`, the smaller of the two, is what
 * the center enforces on the owner's stored bytes.
 */
export const QuotaView = z.strictObject({
  storedBytes: Bytes,
  quotaBytes: Bytes,
  centerQuotaBytes: Bytes,
  limitBytes: Bytes.nullable(),
});
export type QuotaView = z.infer<typeof QuotaView>;

/** The owner's own limit; null removes it. A limit above the operator's quota changes nothing. */
export const SetQuotaLimitRequest = z.strictObject({ limitBytes: Bytes.nullable() });
export type SetQuotaLimitRequest = z.infer<typeof SetQuotaLimitRequest>;
