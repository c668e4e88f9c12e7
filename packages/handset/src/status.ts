import { describeSchedule, type DataKind, type ScheduleSpec } from '@phonesafe/protocol';
import type { HandsetContext } from './context.ts';
import type { DeviceView } from './device/device.ts';
import type { Targets } from './settings/schema.ts';
import type { LastBackup } from './settings/settings-table.ts';
import { describeTargets } from './settings/targets.ts';

export interface HandsetStatus {
  enrolled: boolean;
  handsetId?: string;
  name?: string;
  center?: string;
  owner?: string;
  /** The phone number enrolled with (seed 004: the rescue desk finds the handset by it). */
  phone?: string;
  items: number;
  /** Sealed parts in the backup area, waiting to be sent. */
  pendingParts: number;
  pendingBytes: number;
  /** Item versions saved since the last backup that sent them. */
  pendingVersions: number;
  /** The completion flag: the last backup the center committed. */
  lastBackup?: LastBackup;
  /** Items whose content was moved to the center (B9), listed as stubs; `items` counts them too. */
  stubs: StubInfo[];
  /** The last rescue erase (seed 004): it ended the enrollment, so a handset found again shows why it is not enrolled. */
  rescueErase?: { rescueId: string; at: string };
  device: DeviceView;
  /** What the handset backs up without being asked (its targets) and when the center asks (its schedule), in data and in words. */
  automatic: AutomaticBackups;
}

/** What is backed up automatically: the targets, on the schedule (a center's start request covers the targets). */
export interface AutomaticBackups {
  targets: Targets;
  schedule: ScheduleSpec | null;
  /** "contacts, every Sunday at 03:00 UTC". */
  text: string;
}

export function automaticBackups(settings: { targets: Targets; triggers: { schedule: ScheduleSpec | null } }): AutomaticBackups {
  const { targets } = settings;
  const schedule = settings.triggers.schedule;
  return {
    targets,
    schedule,
    text: `${describeTargets(targets)}, ${schedule ? describeSchedule(schedule) : 'on no schedule (only the size and power-on triggers)'}`,
  };
}

/** An offloaded item as the handset still shows it. */
export interface StubInfo {
  id: string;
  path: string;
  kind: DataKind;
  size: number;
  summary: string;
}

/** What `phonesafe handset status` shows: enrollment, memory, what waits to be sent, the last backup, stubs, the device. */
export function statusOf(
  ctx: Pick<HandsetContext, 'session' | 'index' | 'settings' | 'rescues' | 'memory' | 'versions'>,
  device: { view(): DeviceView },
): HandsetStatus {
  const identity = ctx.session.current()?.identity;
  const pending = ctx.index.pending();
  const lastBackup = ctx.settings.lastBackup();
  const rescueErase = ctx.rescues.lastErased();
  return {
    enrolled: identity !== undefined,
    ...(identity
      ? {
          handsetId: identity.handsetId,
          name: identity.name,
          center: identity.center,
          owner: identity.owner,
          ...(identity.phone ? { phone: identity.phone } : {}),
        }
      : {}),
    items: ctx.memory.count(),
    pendingParts: pending.parts,
    pendingBytes: pending.bytes,
    pendingVersions: ctx.versions.unsentCount(),
    ...(lastBackup ? { lastBackup } : {}),
    stubs: ctx.memory
      .offloaded()
      .map((item) => ({ id: item.id, path: item.path, kind: item.kind, size: item.size, summary: item.summary ?? '' })),
    ...(rescueErase ? { rescueErase } : {}),
    device: device.view(),
    automatic: automaticBackups(ctx.settings.get()),
  };
}
