/** What the deposits capability needs from the rest of the safe, wired by app.ts: its keys, limits, own URL and the owners' gate. */
import type { SafeKeys } from '../identity/safe-keys.ts';

/** The owners capability as the deposits see it (owners/owner-gate.ts implements it). */
export interface OwnerGate {
  knows(ownerRef: string): Promise<boolean>;
  /** Checks an owner proof bound to `nonce`, counting the try; throws SAFE_PIN_MISMATCH / SAFE_ESCROW_DESTROYED. */
  check(ownerRef: string, proof: string, nonce: string): Promise<void>;
}

export interface DepositContext {
  keys: Pick<SafeKeys, 'safeId' | 'sign'>;
  counterMax: number;
  /** Wrong answers of a deposit's authentication device before its body is destroyed (the owners' limit). */
  maxTries: number;
  maxValueBytes: number;
  /** The URL the safe answers on, for the certificate's "own pointer information" (C3). */
  selfUrl(): string;
  owners: OwnerGate;
}
