/**
 * What the sync capability needs of the subscriber DB (S1, S3, S4), which
 * may live apart from the sync server ([0069]): app.ts wires the
 * subscribers capability in behind this port.
 */
import type { DataKind, TerminalFilters } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';

/** A terminal cleared to sync, and what its session needs. */
export interface SyncGrant {
  subscriberId: string;
  ownerId: string;
  number: string;
  terminalId: string;
  kinds: DataKind[];
  filters: TerminalFilters;
  /** Wrapped collection keys of the terminal's kinds. */
  keys: Partial<Record<DataKind, string>>;
}

export interface SyncCredentials {
  number: string;
  terminalId: string;
  terminalPassword?: string | undefined;
  pin?: string | undefined;
}

export interface SubscriberDirectory {
  /**
   * FIG 14 at the center: the caller's handset must be a registered terminal
   * of the subscriber, of the caller's owner (else SYNC_NOT_BOUND, never
   * saying which), and the secrets of the subscriber's security level must
   * be right (UNAUTHENTICATED, counted; LOCKED at the limit, the owner told).
   */
  authorize(caller: HandsetCaller, credentials: SyncCredentials): Promise<SyncGrant>;
  numberOf(subscriberId: string): Promise<string>;
  /** The handsets of the subscriber's other terminals (told `sync-pending` after an upload). */
  otherHandsets(subscriberId: string, exceptTerminalId: string): Promise<string[]>;
  /** The owner's own subscriber (NOT_FOUND for any other number). */
  owned(ownerId: string, number: string): Promise<{ subscriberId: string; keys: Partial<Record<DataKind, string>> }>;
}
