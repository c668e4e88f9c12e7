import { scheduleText, type ErrorCode, type ScheduleSpec, type ScheduleView } from '@phonesafe/protocol';
import type { OnConnect } from '../channel/handlers.ts';
import type { HandsetContext } from '../context.ts';
import { failureOf } from '../util/failure.ts';
import { settingPatch } from './setter.ts';
import type { HandsetSettings, SettingsPatch } from './settings-table.ts';

/**
 * Whether the center knows the handset's schedule (B1: center-side triggers
 * are registered at the center). When registration fails the settings still
 * stand; the run loop registers on its next connection.
 */
export type ScheduleRegistration =
  { registered: true; schedule: ScheduleSpec | null; nextRunAt: string | null } | { registered: false; code: ErrorCode; detail: string };

export interface SettingsUpdate {
  settings: HandsetSettings;
  /** Present when the schedule changed on an enrolled handset. */
  schedule?: ScheduleRegistration;
}

/** B1 settings: read, changed (validated), and the schedule registered at the center whenever it changed. */
export class Settings {
  readonly #ctx: Pick<HandsetContext, 'settings' | 'session'>;

  constructor(ctx: Pick<HandsetContext, 'settings' | 'session'>) {
    this.#ctx = ctx;
  }

  get(): HandsetSettings {
    return this.#ctx.settings.get();
  }

  /** Validates and stores a change (USAGE error naming each bad field); a changed schedule is registered at the center. */
  async update(patch: SettingsPatch): Promise<SettingsUpdate> {
    const before = this.#ctx.settings.get().triggers.schedule;
    const settings = this.#ctx.settings.update(patch);
    const changed = JSON.stringify(before) !== JSON.stringify(settings.triggers.schedule);
    const schedule = changed && this.#ctx.session.current() ? await this.tryRegisterSchedule() : undefined;
    return { settings, ...(schedule ? { schedule } : {}) };
  }

  /** The CLI's `--set key=value` (keys and value forms in setter.ts). */
  set(key: string, value: string): Promise<SettingsUpdate> {
    return this.update(settingPatch(key, value));
  }

  /** Registers the schedule the center has not heard of yet; undefined when it is up to date or the handset is not enrolled. */
  async registerSchedule(): Promise<ScheduleView | undefined> {
    const owed = this.#ctx.settings.unregisteredSchedule();
    const session = this.#ctx.session.current();
    if (!owed || !session) return undefined;
    const view = await session.client.putOwnSchedule({ schedule: owed.schedule });
    this.#ctx.settings.markScheduleRegistered(owed.schedule);
    return view;
  }

  /** The same, with a failure as a result: the settings stand either way. */
  async tryRegisterSchedule(): Promise<ScheduleRegistration | undefined> {
    try {
      const view = await this.registerSchedule();
      return view && { registered: true, schedule: view.schedule, nextRunAt: view.nextRunAt };
    } catch (error) {
      return { registered: false, ...failureOf(error) };
    }
  }

  /** On every connection of the live channel: a schedule registration that failed before is tried again. */
  readonly onConnect: OnConnect = (scope) =>
    scope.track(
      this.registerSchedule().then(
        (view) => view && scope.emit({ event: 'schedule-registered', schedule: scheduleText(view.schedule), nextRunAt: view.nextRunAt }),
        (error: unknown) => scope.emit({ event: 'schedule-failed', ...failureOf(error) }),
      ),
    );
}
