import type { CenterClient, OwnerKeys } from '@phonesafe/protocol/node';
import type { Identity } from './identity/identity-store.ts';

/** An enrolled handset's link to its center: who it is, the owner's keys, a client with its credential. */
export interface Session {
  identity: Identity;
  keys: OwnerKeys;
  client: CenterClient;
}
