import { PhoneSafeError } from '@phonesafe/protocol';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes with an optional binary suffix: 500000, 64K, 10M, 5G, 1T (KiB … TiB); `what` names the flag in the usage error. */
export function parseBytes(value: string, what: string): number {
  const match = /^(\d+)([kmgt]?)$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : Number.NaN;
  if (!Number.isSafeInteger(bytes))
    throw new PhoneSafeError('USAGE', `${what} must be bytes such as 500000, 64K, 10M or 5G, not '${value}'`);
  return bytes;
}
