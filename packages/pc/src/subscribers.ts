/**
 * The owner's subscriber DB at the center (S1, sync.md): create a subscriber
 * with a fresh collection key per kind, wrapped with the owner's data key
 * (the center never opens one), show and change it, and look into the user
 * area, opening each item's sealed header with those keys.
 */
import {
  canonicalPhone,
  DATA_KINDS,
  type DataKind,
  isDataKind,
  PhoneSafeError,
  type SubscriberView,
  type UpdateSubscriberRequest,
} from '@phonesafe/protocol';
import { newCollectionKey, openHeader } from '@phonesafe/protocol/node';
import type { PcSession } from './session.ts';

export type SecurityCheck = 'terminal-password' | 'pin';

export function createSubscriber(
  session: PcSession,
  input: { number: string; security: SecurityCheck[]; pin?: string | undefined },
): Promise<SubscriberView> {
  const keys: Partial<Record<DataKind, string>> = {};
  const { keys: owner } = session.owner;
  const number = canonicalNumber(input.number);
  for (const kind of DATA_KINDS) keys[kind] = owner.wrapCollectionKey(number, kind, newCollectionKey());
  return session.owner.client.sync().createSubscriber({ number, security: input.security, keys, ...(input.pin ? { pin: input.pin } : {}) });
}

export function showSubscriber(session: PcSession, number: string): Promise<SubscriberView> {
  return session.owner.client.sync().subscriber(canonicalNumber(number));
}

export function updateSubscriber(session: PcSession, number: string, change: UpdateSubscriberRequest): Promise<SubscriberView> {
  const body = {
    ...(change.security ? { security: change.security } : {}),
    ...(change.pin ? { pin: change.pin } : {}),
    ...(change.terminal ? { terminal: change.terminal } : {}),
  };
  return session.owner.client.sync().updateSubscriber(canonicalNumber(number), body);
}

export interface AreaEntry {
  guid: string;
  path: string | null;
  kind: DataKind;
  version: number;
  seq: number;
  deleted: boolean;
  sha256: string | null;
  originTerminal: string;
}

/** The user area as the owner sees it: every item's path and hash opened from its sealed header; tombstones included. */
export async function listArea(session: PcSession, number: string): Promise<{ number: string; items: AreaEntry[] }> {
  const area = await session.owner.client.sync().area(canonicalNumber(number));
  const keys = new Map<DataKind, Buffer>();
  for (const [kind, wrapped] of Object.entries(area.keys))
    if (isDataKind(kind) && wrapped) keys.set(kind, session.owner.keys.unwrapCollectionKey(area.number, kind, wrapped));
  const items = area.items.map((item): AreaEntry => {
    const key = keys.get(item.kind);
    const header = item.header && key ? openHeader(key, item.guid, item.version, item.header) : null;
    const { guid, kind, version, seq, deleted, originTerminal } = item;
    return { guid, kind, version, seq, deleted, originTerminal, path: header?.path ?? null, sha256: header?.sha256 ?? null };
  });
  return { number: area.number, items };
}

/** The same canonical form the center keys subscribers by (the AAD of the collection keys names it). */
function canonicalNumber(number: string): string {
  const check = canonicalPhone(number);
  if (!check.ok) throw new PhoneSafeError('USAGE', check.problem);
  return check.phone;
}
