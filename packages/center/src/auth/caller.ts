import { PhoneSafeError } from '@phonesafe/protocol';

/** Who is calling, as established by authentication. */
export type Caller = OwnerCaller | HandsetCaller;

export interface OwnerCaller {
  kind: 'owner';
  ownerId: string;
}

export interface HandsetCaller {
  kind: 'handset';
  ownerId: string;
  handsetId: string;
  handsetName: string;
}

/** Who may call a route; declared on every route (see http/auth.ts). */
export type Access = 'public' | 'owner' | 'handset' | 'any';

/**
 * Narrows a caller on a handset-only route. The auth hook already refused
 * other callers; this gives the type and fails closed if a route is miswired.
 */
export function asHandset(caller: Caller): HandsetCaller {
  if (caller.kind !== 'handset') throw new PhoneSafeError('FORBIDDEN', 'only a handset may do this');
  return caller;
}
