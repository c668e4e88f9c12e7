import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import type { HandsetRepo, HandsetRow } from '../handsets/handset-repo.ts';
import type { OwnerRepo } from '../owners/owner-repo.ts';
import type { Access, Caller } from './caller.ts';
import { parseBearer, secretMatches } from './credentials.ts';

/** lastSeenAt is written at most this often, so a transfer of many parts is not a write per part. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface AuthenticatorDeps {
  owners: Pick<OwnerRepo, 'findToken'>;
  handsets: Pick<HandsetRepo, 'findById' | 'touch'>;
  clock: Clock;
}

/** Turns an Authorization header into a Caller, or refuses with one answer for every failure. */
export class Authenticator {
  readonly #deps: AuthenticatorDeps;

  constructor(deps: AuthenticatorDeps) {
    this.#deps = deps;
  }

  async authenticate(header: string | undefined, access: Exclude<Access, 'public'>): Promise<Caller> {
    const parsed = parseBearer(header);
    if (!parsed) throw unauthenticated();
    if (parsed.kind === 'owner') {
      const ownerId = await this.#ownerToken(parsed.id, parsed.secret);
      if (access === 'handset') throw forbidden(access);
      return { kind: 'owner', ownerId, tokenId: parsed.id };
    }
    const handset = await this.#handset(parsed.id, parsed.secret);
    if (access === 'owner') throw forbidden(access);
    await this.#noteSeen(handset);
    return { kind: 'handset', ownerId: handset.ownerId, handsetId: handset.id, handsetName: handset.name };
  }

  async #ownerToken(tokenId: string, secret: string): Promise<string> {
    const token = await this.#deps.owners.findToken(tokenId);
    const valid = secretMatches(secret, token?.secretHash);
    if (!token || !valid || Date.parse(token.expiresAt) <= this.#deps.clock.now().getTime()) throw unauthenticated();
    return token.ownerId;
  }

  async #handset(handsetId: string, secret: string): Promise<HandsetRow> {
    const handset = await this.#deps.handsets.findById(handsetId);
    const valid = secretMatches(secret, handset?.credentialHash);
    if (!handset || !valid) throw unauthenticated();
    if (handset.revokedAt !== null) {
      throw new PhoneSafeError(
        'CREDENTIAL_REVOKED',
        "this handset's credential is revoked (by its owner, or after a rescue erase); enrol it again to use it",
      );
    }
    return handset;
  }

  async #noteSeen(handset: HandsetRow): Promise<void> {
    const now = this.#deps.clock.now();
    const lastSeen = handset.lastSeenAt === null ? Number.NEGATIVE_INFINITY : Date.parse(handset.lastSeenAt);
    if (now.getTime() - lastSeen >= LAST_SEEN_RESOLUTION_MS) await this.#deps.handsets.touch(handset.id, now.toISOString());
  }
}

function unauthenticated(): PhoneSafeError {
  return new PhoneSafeError('UNAUTHENTICATED', 'the credential is missing, malformed, expired or wrong');
}

/** The credential is genuine but of the wrong kind for this route. */
function forbidden(access: 'owner' | 'handset'): PhoneSafeError {
  return new PhoneSafeError('FORBIDDEN', `this call is for ${access === 'owner' ? 'an owner' : 'a handset'}`);
}
