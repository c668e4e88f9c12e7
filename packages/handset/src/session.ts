import type { CenterClient, OwnerKeys } from '@phonesafe/protocol';
import type { Identity } from './identity/identity-files.ts';

/** An enrolled handset's link to its center: who it is, the owner's keys, a client with its credential. */
export interface Session {
  identity: Identity;
  keys: OwnerKeys;
  client: CenterClient;
}
