import { PhoneSafeError } from '@phonesafe/protocol';
import { OwnerKeys } from '@phonesafe/protocol/node';
import { copyUncopied } from '../backup-area/catch-up.ts';
import { Copier } from '../backup-area/copier.ts';
import { SealPool } from '../backup-area/seal-pool.ts';
import type { HandlerTable } from '../channel/handlers.ts';
import type { HandsetContext } from '../context.ts';
import type { Session } from '../session.ts';
import type { ScheduleRegistration, Settings } from '../settings/settings.ts';
import { enrollAtCenter, type EnrollRequest } from './enroll.ts';
import type { Identity } from './identity-files.ts';
import { forgetEnrollment, type UnenrollDeps } from './unenroll.ts';

export type EnrollmentContext = UnenrollDeps & Pick<HandsetContext, 'connect' | 'session' | 'memory' | 'settings'>;

export interface EnrollResult {
  handsetId: string;
  name: string;
  ownerRegistered: boolean;
  /** The phone number has a rescue code at the center. */
  rescueCode: boolean;
  schedule: ScheduleRegistration;
  /** The recovery key made for the owner this enrolment registered (asked for, shown once, never stored). */
  recoveryKey?: string;
}

/**
 * The handset's enrollment at a center: the session an enrolled data
 * directory starts with, enrolling, and forgetting it all when the center
 * revokes the credential (by the owner, or after a rescue erase).
 */
export class Enrollment {
  readonly #ctx: EnrollmentContext;
  readonly #settings: Pick<Settings, 'tryRegisterSchedule'>;

  constructor(ctx: EnrollmentContext, settings: Pick<Settings, 'tryRegisterSchedule'>) {
    this.#ctx = ctx;
    this.#settings = settings;
  }

  /** At open: an enrolled data directory's session, from identity.json and data.key. */
  async resume(): Promise<void> {
    const saved = await this.#ctx.identities.load();
    if (saved) this.#start(saved.identity, saved.dataKey);
  }

  /** Enrolls at a center (registering the owner on a first handset) and makes the copies items are owed. */
  async enroll(request: EnrollRequest): Promise<EnrollResult> {
    const current = this.#ctx.session.current();
    if (current) throw new PhoneSafeError('USAGE', `this handset is already enrolled as ${current.identity.name}`);
    const { identity, dataKey, ownerRegistered, rescueCode, recoveryKey } = await enrollAtCenter(request, this.#ctx.connect);
    await this.#ctx.identities.save(identity, dataKey);
    const { copier } = this.#start(identity, dataKey);
    await copyUncopied(this.#ctx.versions, copier, this.#ctx.writes);
    const schedule = (await this.#settings.tryRegisterSchedule()) ?? {
      registered: true,
      schedule: this.#ctx.settings.get().triggers.schedule,
      nextRunAt: null,
    };
    return {
      handsetId: identity.handsetId,
      name: identity.name,
      ownerRegistered,
      rescueCode,
      schedule,
      ...(recoveryKey ? { recoveryKey } : {}),
    };
  }

  /** The center revoked the credential (unenroll.ts); a second call finds nothing to do. */
  async forget(): Promise<void> {
    const ended = this.#ctx.session.take();
    if (!ended) return;
    await forgetEnrollment(this.#ctx);
    await ended.client.close();
    await ended.copier.close();
  }

  /** Told on the channel, before the center closes it: the loop ends, then the enrollment is forgotten. */
  readonly handlers: Pick<HandlerTable, 'credential-revoked'> = {
    'credential-revoked': (_message, scope) => scope.revoke("the center revoked this handset's credential"),
  };

  #start(identity: Identity, dataKey: Buffer): Session {
    const keys = new OwnerKeys(dataKey);
    const client = this.#ctx.connect({
      baseUrl: identity.center,
      bearer: identity.credential,
      ...(identity.ca ? { ca: identity.ca } : {}),
    });
    const { memory, area, index, versions, settings } = this.#ctx;
    const session: Session = {
      identity,
      keys,
      client,
      copier: new Copier({ keys, memory, area, index, versions, settings, pool: SealPool.forThisMachine(dataKey) }),
    };
    this.#ctx.session.set(session);
    return session;
  }
}
