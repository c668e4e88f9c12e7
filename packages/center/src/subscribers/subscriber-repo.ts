/** The subscriber DB's storage port (S1, FIG 7). Contracts common to every repository: center-store.ts. */
import type { DataKind, TerminalFilters } from '@phonesafe/protocol';

export type SecurityCheck = 'terminal-password' | 'pin';

export interface SubscriberRow {
  id: string;
  ownerId: string;
  number: string;
  security: SecurityCheck[];
  pinHash: string | null;
  keys: Partial<Record<DataKind, string>>;
  createdAt: string;
}

export interface TerminalRow {
  subscriberId: string;
  terminalId: string;
  type: 'handset' | 'gateway';
  handsetId: string | null;
  /** The handset's name, read with the row (null for none). */
  handsetName: string | null;
  passwordHash: string | null;
  kinds: DataKind[];
  filters: TerminalFilters;
  registeredVia: 'terminal' | 'shop';
  registeredAt: string;
  simMountedAt: string | null;
  simRemovedAt: string | null;
}

export interface SubscriberRepo {
  /** SYNC_SUBSCRIBER_EXISTS when the number is taken (by any owner). */
  create(row: SubscriberRow): Promise<void>;
  byNumber(number: string): Promise<SubscriberRow | undefined>;
  byId(id: string): Promise<SubscriberRow | undefined>;
  update(id: string, change: { security?: SecurityCheck[]; pinHash?: string | null }): Promise<void>;
  terminals(subscriberId: string): Promise<TerminalRow[]>;
  terminal(subscriberId: string, terminalId: string): Promise<TerminalRow | undefined>;
  /** Inserts or replaces the terminal's registration (a second FIG 8 run on one terminal re-registers it; its filters stay). */
  putTerminal(row: Omit<TerminalRow, 'handsetName' | 'simMountedAt' | 'simRemovedAt' | 'filters'>): Promise<void>;
  /** The owner's choice of what the terminal syncs (FIG 15); what is not given stays. False when no such terminal. */
  setTargets(subscriberId: string, terminalId: string, change: { kinds?: DataKind[]; filters?: TerminalFilters }): Promise<boolean>;
  /** The card reader's event; false when no such terminal. */
  markSim(subscriberId: string, terminalId: string, mounted: boolean, at: string): Promise<boolean>;
}
