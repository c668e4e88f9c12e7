import { PhoneSafeError } from '@phonesafe/protocol';
import { type CenterClient, type OwnerKeys } from '@phonesafe/protocol/node';
import type { Copier } from './backup-area/copier.ts';
import type { Identity } from './identity/identity-files.ts';

/**
 * An enrolled handset's link to its center: who it is, the owner's keys, a
 * client with its credential, and the copier that seals with those keys.
 */
export interface Session {
  identity: Identity;
  keys: OwnerKeys;
  client: CenterClient;
  copier: Copier;
}

/**
 * The session of an enrolled handset, or none: set when the agent opens an
 * enrolled data directory or enrolls, cleared when the center revokes the
 * credential. Capabilities ask for it when they need it and keep no copy, so
 * none goes on with a session that has ended.
 */
export class SessionSlot {
  #session: Session | undefined;

  current(): Session | undefined {
    return this.#session;
  }

  /** The session; NOT_ENROLLED before enrollment (or after the credential was revoked). */
  require(): Session {
    if (!this.#session) throw new PhoneSafeError('NOT_ENROLLED', 'enroll this handset at a center first');
    return this.#session;
  }

  set(session: Session): void {
    this.#session = session;
  }

  /** Ends the session here and hands it to the caller, who closes its client; undefined when there was none. */
  take(): Session | undefined {
    const session = this.#session;
    this.#session = undefined;
    return session;
  }
}
