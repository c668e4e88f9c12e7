import { PhoneSafeError, type Clock, type RetryPolicy, type ScheduleSpec, type ScheduleView } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import type { HandsetRepo, HandsetRow } from '../handsets/handset-repo.ts';
import type { ScheduleRepo } from './schedule-repo.ts';
import { nextRun } from './next-run.ts';
import { effectiveRetry } from './retry-policy.ts';

export interface ScheduleServiceDeps {
  schedules: Pick<ScheduleRepo, 'find' | 'put'>;
  handsets: Pick<HandsetRepo, 'findByName' | 'findById'>;
  clock: Clock;
  defaultRetry: RetryPolicy;
}

export interface PutSchedule {
  schedule: ScheduleSpec | null;
  /** Omitted: keep the overrides already stored. */
  retry?: Partial<RetryPolicy> | undefined;
}

/** Center-side backup triggers (B1, B3): set by the owner, or registered by the handset from its settings. */
export class ScheduleService {
  readonly #deps: ScheduleServiceDeps;

  constructor(deps: ScheduleServiceDeps) {
    this.#deps = deps;
  }

  async get(ownerId: string, handsetName: string): Promise<ScheduleView> {
    return this.#view(await this.#handsetByName(ownerId, handsetName));
  }

  /** HANDSET_REVOKED for a revoked handset: its schedule would never run. */
  async put(ownerId: string, handsetName: string, input: PutSchedule): Promise<ScheduleView> {
    const handset = await this.#handsetByName(ownerId, handsetName);
    if (handset.revokedAt !== null) throw new PhoneSafeError('HANDSET_REVOKED', `handset ${handsetName} is revoked; it takes no schedule`);
    return this.#put(handset, input);
  }

  async getOwn(caller: HandsetCaller): Promise<ScheduleView> {
    return this.#view(await this.#handsetById(caller.handsetId));
  }

  async putOwn(caller: HandsetCaller, input: PutSchedule): Promise<ScheduleView> {
    return this.#put(await this.#handsetById(caller.handsetId), input);
  }

  async #put(handset: HandsetRow, input: PutSchedule): Promise<ScheduleView> {
    const now = this.#deps.clock.now();
    const next = input.schedule === null ? null : nextRun(input.schedule, now);
    if (input.schedule !== null && next === null) {
      // Only a `once` in the past has no next run; accepting it would silently never back up.
      throw new PhoneSafeError('VALIDATION_FAILED', 'body.schedule.on: the date is not in the future');
    }
    const stored = await this.#deps.schedules.find(handset.id);
    await this.#deps.schedules.put({
      handsetId: handset.id,
      ownerId: handset.ownerId,
      spec: input.schedule,
      retry: input.retry ?? stored?.retry ?? {},
      nextRunAt: next?.toISOString() ?? null,
      updatedAt: now.toISOString(),
    });
    return this.#view(handset);
  }

  /** A handset enrolled before schedules existed has no row: it has no schedule and the default policy. */
  async #view(handset: HandsetRow): Promise<ScheduleView> {
    const row = await this.#deps.schedules.find(handset.id);
    return {
      handsetId: handset.id,
      handsetName: handset.name,
      schedule: row?.spec ?? null,
      retry: effectiveRetry(this.#deps.defaultRetry, row?.retry),
      nextRunAt: row?.nextRunAt ?? null,
    };
  }

  async #handsetByName(ownerId: string, name: string): Promise<HandsetRow> {
    const handset = await this.#deps.handsets.findByName(ownerId, name);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${name}`);
    return handset;
  }

  async #handsetById(id: string): Promise<HandsetRow> {
    const handset = await this.#deps.handsets.findById(id);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset ${id}`);
    return handset;
  }
}
