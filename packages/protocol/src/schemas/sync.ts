/**
 * SIM sync messages (seed 002; docs/design/sync.md has the flow). Sealed
 * headers and bodies are base64 of the envelope of encryption.md under a
 * collection key the center never holds.
 */
import { z } from 'zod';
import { DATA_KINDS, type DataKind } from '../kinds.ts';
import { Base64, Kind, Timestamp } from './common.ts';
import { PhoneNumber } from './phone.ts';

/** The most changes in one upload request and one download page. */
export const SYNC_PAGE = 500;
/** A sealed body travels inline up to this size (base64 of it in the JSON). */
export const SYNC_INLINE_MAX_BYTES = 4 * 1024 * 1024;

/** 15 digits, the last a Luhn check digit (IMEI-like); made once per handset (sync.md). */
export const TerminalId = z.string().regex(/^[0-9]{15}$/, 'a terminal ID is 15 digits');
/** 128 random bits as 32 lower-case hex digits, made by the terminal that first uploads the item. */
export const Guid = z.string().regex(/^[0-9a-f]{32}$/, 'a guid is 32 lower-case hex digits');

/** What the center checks at each session start besides subscriber ID + terminal ID ([0057]). */
export const SecurityCheck = z.enum(['terminal-password', 'pin']);
export const Security = z.array(SecurityCheck).max(2);

/** Rights follow their applications (FIG 15, [0033]): choosing apps adds rights, and rights never stand alone. */
export function targetKinds(kinds: readonly DataKind[]): DataKind[] {
  const set = new Set<DataKind>(kinds.filter((k) => k !== 'rights'));
  if (set.has('apps')) set.add('rights');
  return DATA_KINDS.filter((k) => set.has(k));
}

/** A folder as the center sees it: a keyed hash of the folder's path (OwnerKeys.folderRef), never its name. */
export const FolderRef = z.string().regex(/^[0-9a-f]{32}$/, 'a folder reference is 32 lower-case hex digits');

/**
 * S7's criteria beyond kinds, per terminal ([0033], [0024]): only items in
 * one of these folders (or below them), only items changed in the last N
 * months. Empty: everything of the terminal's kinds.
 */
export const TerminalFilters = z.strictObject({
  folders: z.array(FolderRef).max(64).default([]),
  sinceMonths: z.number().int().min(1).max(1200).optional(),
});
export type TerminalFilters = z.infer<typeof TerminalFilters>;

export const CreateSubscriberRequest = z.strictObject({
  number: PhoneNumber,
  security: Security.default([]),
  /** Held at the center (scrypt) only when `security` has `pin` ([0056]). */
  pin: z
    .string()
    .regex(/^[0-9]{4,8}$/)
    .optional(),
  /** Every kind's collection key, wrapped with the owner's data key (the center cannot open them). */
  keys: z.partialRecord(Kind, Base64),
});

export const TerminalView = z.object({
  terminalId: TerminalId,
  type: z.enum(['handset', 'gateway']),
  handsetName: z.string().nullable(),
  kinds: z.array(Kind),
  filters: TerminalFilters,
  registeredVia: z.enum(['terminal', 'shop']),
  registeredAt: Timestamp,
  simMountedAt: Timestamp.nullable(),
  holdsSim: z.boolean(),
  lastSyncAt: Timestamp.nullable(),
  cursor: z.number().int(),
});
export type TerminalView = z.infer<typeof TerminalView>;

export const SubscriberView = z.object({
  number: z.string(),
  security: Security,
  createdAt: Timestamp,
  lastSeq: z.number().int(),
  terminals: z.array(TerminalView),
});
export type SubscriberView = z.infer<typeof SubscriberView>;

export const UpdateSubscriberRequest = z.strictObject({
  security: Security.optional(),
  pin: z
    .string()
    .regex(/^[0-9]{4,8}$/)
    .optional(),
  terminal: z
    .strictObject({ terminalId: TerminalId, kinds: z.array(Kind).min(1).optional(), filters: TerminalFilters.optional() })
    .refine((t) => t.kinds !== undefined || t.filters !== undefined, 'a terminal change names its kinds, its filters or both')
    .optional(),
});
/** A change to a subscriber: the pc sends it, the center applies it (each field optional, absent: unchanged). */
export type UpdateSubscriberRequest = z.infer<typeof UpdateSubscriberRequest>;

export const RegisterTerminalRequest = z.strictObject({
  number: PhoneNumber,
  kinds: z.array(Kind).min(1),
  terminalPassword: z.string().min(4).max(256).optional(),
  registeredVia: z.enum(['terminal', 'shop']),
});

export const SimReport = z.strictObject({ number: PhoneNumber, terminalId: TerminalId, mounted: z.boolean() });

export const SyncReason = z.enum([
  'sim-insert',
  'sim-remove',
  'manual',
  'erase',
  'periodic',
  'update',
  'threshold',
  'open',
  'idle',
  'low-battery',
]);
export type SyncReason = z.infer<typeof SyncReason>;
export const SyncDirection = z.enum(['both', 'up', 'down']);

export const OpenSessionRequest = z.strictObject({
  number: PhoneNumber,
  terminalId: TerminalId,
  reason: SyncReason,
  direction: SyncDirection,
  terminalPassword: z.string().max(256).optional(),
  pin: z.string().max(16).optional(),
});

export const OpenSessionResponse = z.object({
  sessionId: z.string(),
  snapshot: z.number().int(),
  cursor: z.number().int(),
  kinds: z.array(Kind),
  /** The terminal's filters: the center applies them to the download, the handset to its upload (sync.md "Filters"). */
  filters: TerminalFilters,
  keys: z.partialRecord(Kind, Base64),
  pendingDown: z.number().int(),
});
export type OpenSessionResponse = z.infer<typeof OpenSessionResponse>;

export const UpChange = z.strictObject({
  guid: Guid,
  op: z.enum(['put', 'delete']),
  kind: Kind,
  /** The version this change was made on: 0 for a new item. */
  baseVersion: z.number().int().min(0),
  /** Random, per change: the same change sent again after a lost answer is answered as applied (sync.md). */
  tag: z.string().regex(/^[0-9a-f]{32}$/),
  modifiedAt: Timestamp,
  /** A put's folders (each folder above the item, as references) for the folder filter. */
  folders: z.array(FolderRef).max(32).optional(),
  header: Base64.max(64 * 1024).optional(),
  body: Base64.max(Math.ceil(SYNC_INLINE_MAX_BYTES / 3) * 4).optional(),
});
export type UpChange = z.infer<typeof UpChange>;

export const UploadRequest = z.strictObject({ changes: z.array(UpChange).min(1).max(SYNC_PAGE) });

export const ChangeResult = z.union([
  z.object({ guid: Guid, version: z.number().int(), seq: z.number().int() }),
  z.object({ guid: Guid, conflict: z.object({ version: z.number().int(), deleted: z.boolean() }) }),
]);
export type ChangeResult = z.infer<typeof ChangeResult>;
export const UploadResponse = z.object({ results: z.array(ChangeResult) });

export const DownChange = z.object({
  guid: Guid,
  op: z.enum(['put', 'delete']),
  kind: Kind,
  version: z.number().int(),
  seq: z.number().int(),
  header: Base64.nullable(),
  body: Base64.nullable(),
});
export type DownChange = z.infer<typeof DownChange>;
export const DownloadResponse = z.object({ changes: z.array(DownChange), more: z.boolean(), next: z.number().int() });
export type DownloadResponse = z.infer<typeof DownloadResponse>;

export const EndSessionRequest = z.strictObject({ appliedThrough: z.number().int().min(0) });
export const EndSessionResponse = z.object({ cursor: z.number().int() });

/** The owner's look into the user area: every row, headers sealed (the pc opens them with the owner's key). */
export const AreaItem = z.object({
  guid: Guid,
  kind: Kind,
  version: z.number().int(),
  seq: z.number().int(),
  deleted: z.boolean(),
  originTerminal: z.string(),
  header: Base64.nullable(),
});
export type AreaItem = z.infer<typeof AreaItem>;
export const AreaList = z.object({ number: z.string(), keys: z.partialRecord(Kind, Base64), items: z.array(AreaItem) });
export type AreaList = z.infer<typeof AreaList>;

/** What a sealed header holds (sync.md). */
export const ItemHeader = z.object({ path: z.string().min(1), sha256: z.string(), size: z.number().int().min(0) });
export type ItemHeader = z.infer<typeof ItemHeader>;

/** The oldest change time `sinceMonths` lets through at `now` (calendar months, UTC); the center and the handset cut alike. */
export function filterCutoff(now: Date, sinceMonths: number): string {
  const cut = new Date(now.getTime());
  cut.setUTCMonth(cut.getUTCMonth() - sinceMonths);
  return cut.toISOString();
}
