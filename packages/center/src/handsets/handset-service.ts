import type { Clock, HandsetInfo } from '@phonesafe/protocol';
import type { Caller } from '../auth/caller.ts';
import { issueCredential } from '../auth/credentials.ts';
import { newId } from '../ids.ts';
import type { HandsetRepo } from '../store/store.ts';

export interface HandsetServiceDeps {
  handsets: HandsetRepo;
  clock: Clock;
}

export class HandsetService {
  readonly #deps: HandsetServiceDeps;

  constructor(deps: HandsetServiceDeps) {
    this.#deps = deps;
  }

  /** The credential is returned once; the center keeps only its hash. Throws HANDSET_NAME_TAKEN. */
  async enroll(ownerId: string, name: string): Promise<{ handsetId: string; name: string; credential: string }> {
    const handsetId = newId();
    const { credential, secretHash } = issueCredential('handset', handsetId);
    await this.#deps.handsets.create({
      id: handsetId,
      ownerId,
      name,
      credentialHash: secretHash,
      enrolledAt: this.#deps.clock.now().toISOString(),
      lastSeenAt: null,
    });
    return { handsetId, name, credential };
  }

  async list(ownerId: string): Promise<{ handsets: HandsetInfo[] }> {
    const rows = await this.#deps.handsets.listByOwner(ownerId);
    return {
      handsets: rows.map((row) => ({ handsetId: row.id, name: row.name, enrolledAt: row.enrolledAt, lastSeenAt: row.lastSeenAt })),
    };
  }

  whoami(caller: Caller): { ownerId: string; handsetId: string | null; handsetName: string | null } {
    return caller.kind === 'handset'
      ? { ownerId: caller.ownerId, handsetId: caller.handsetId, handsetName: caller.handsetName }
      : { ownerId: caller.ownerId, handsetId: null, handsetName: null };
  }
}
