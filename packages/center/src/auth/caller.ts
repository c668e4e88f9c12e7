import { PhoneSafeError } from '@phonesafe/protocol';
import type { RouteAccess } from '@phonesafe/server-kit';

/** Who is calling, as established by authentication. */
export type Caller = OwnerCaller | HandsetCaller;

export interface OwnerCaller {
  kind: 'owner';
  ownerId: string;
  /** The token the owner authenticated with (logout ends it); absent for a caller the center makes itself. */
  tokenId?: string;
}

export interface HandsetCaller {
  kind: 'handset';
  ownerId: string;
  handsetId: string;
  handsetName: string;
}

/** Narrows a caller on an owner-only route to the owner's session (its token). */
export function asOwnerSession(caller: Caller): { ownerId: string; tokenId: string } {
  if (caller.kind !== 'owner' || caller.tokenId === undefined)
    throw new PhoneSafeError('FORBIDDEN', 'only an owner logged in with a token may do this');
  return { ownerId: caller.ownerId, tokenId: caller.tokenId };
}

/** Who may call a route; declared on every route (server-kit's route-auth.ts; the kinds: route-access.ts). */
export type Access = RouteAccess;

/**
 * Narrows a caller on a handset-only route. The auth hook already refused
 * other callers; this gives the type and fails closed if a route is miswired.
 */
export function asHandset(caller: Caller): HandsetCaller {
  if (caller.kind !== 'handset') throw new PhoneSafeError('FORBIDDEN', 'only a handset may do this');
  return caller;
}
