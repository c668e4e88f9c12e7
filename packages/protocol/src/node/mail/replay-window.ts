/**
 * The anti-replay window of one (pair, direction): the highest sequence
 * number accepted and a 64-bit bitmap of the 64 below it (RFC 4303 §3.4.3).
 * Pure: the state goes in and comes out; the receiver persists it only when
 * it accepts a mail, so a refused one consumes nothing.
 */
export interface ReplayWindow {
  /** Highest accepted sequence number; 0 before the first. */
  high: number;
  /** Bit i set: sequence `high - i` was accepted (bit 0 is `high` itself). */
  bitmap: bigint;
}

export const WINDOW_SIZE = 64;
export const EMPTY_WINDOW: ReplayWindow = { high: 0, bitmap: 0n };
const MASK = (1n << BigInt(WINDOW_SIZE)) - 1n;

/** Whether `seq` may be accepted now: newer than the window, or inside it and unseen. */
export function windowAccepts(window: ReplayWindow, seq: number): boolean {
  if (!Number.isSafeInteger(seq) || seq < 1) return false;
  if (seq > window.high) return true;
  const offset = window.high - seq;
  if (offset >= WINDOW_SIZE) return false;
  return (window.bitmap & (1n << BigInt(offset))) === 0n;
}

/** The window after accepting `seq` (which `windowAccepts` allowed). */
export function windowAccept(window: ReplayWindow, seq: number): ReplayWindow {
  if (seq > window.high) {
    const shift = seq - window.high;
    const moved = shift >= WINDOW_SIZE ? 0n : (window.bitmap << BigInt(shift)) & MASK;
    return { high: seq, bitmap: moved | 1n };
  }
  return { high: window.high, bitmap: window.bitmap | (1n << BigInt(window.high - seq)) };
}

/** For storage: the bitmap as a decimal string. */
export function windowToJson(window: ReplayWindow): { high: number; bitmap: string } {
  return { high: window.high, bitmap: window.bitmap.toString() };
}

export function windowFromJson(json: { high: number; bitmap: string } | undefined): ReplayWindow {
  return json ? { high: json.high, bitmap: BigInt(json.bitmap) } : EMPTY_WINDOW;
}
