/** B1 settings: defaults with no set-up, validation, the CLI's key=value form, and which items are targets. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock, PhoneSafeError } from '@phonesafe/protocol';
import { scheduleText } from '@phonesafe/protocol';
import { DEFAULT_SETTINGS, HandsetAgent, isTarget, settingPatch, type Targets } from '../src/index.ts';
import { HandsetDb } from '../src/db/database.ts';
import { SettingsTable } from '../src/settings/settings-table.ts';
import { tempDir } from '@phonesafe/testkit';
import { enrolledOffline } from './helpers.ts';

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof PhoneSafeError && error.code === 'USAGE' && pattern.test(error.message);

test('with no set-up: contacts only, compressed, weekly on Sunday 03:00, no size or power-on trigger', async (t) => {
  const root = await tempDir(t, 'settings-defaults');
  const agent = await HandsetAgent.open(join(root, 'h'), { clock: new ManualClock() });
  t.after(() => agent.close());
  assert.deepEqual(agent.settings(), {
    targets: { kinds: ['contacts'], extensions: [], apps: [], keywords: [] },
    compress: true,
    triggers: { sizeThresholdBytes: null, powerOn: false, schedule: { every: 'week', weekday: 0, at: '03:00' } },
    batteryMin: 15,
    sync: {
      everyMinutes: null,
      onUpdate: false,
      thresholdCount: null,
      thresholdBytes: null,
      ask: false,
      remindMinutes: null,
      removalMaxSeconds: null,
      onOpen: [],
      onIdle: false,
      idleMaxBytes: null,
      idleMaxSeconds: null,
      lowBattery: null,
      lowBatteryNotice: 'after',
    },
  });
  assert.deepEqual(agent.settings(), DEFAULT_SETTINGS);
});

test('a change is validated as a whole and stored; a bad one names the field and changes nothing', async (t) => {
  const root = await tempDir(t, 'settings-update');
  const agent = await HandsetAgent.open(join(root, 'h'), { clock: new ManualClock() });
  t.after(() => agent.close());

  const { settings, schedule } = await agent.updateSettings({ targets: { extensions: ['.JPG', 'vcf'] }, triggers: { powerOn: true } });
  assert.deepEqual(settings.targets, { kinds: ['contacts'], extensions: ['jpg', 'vcf'], apps: [], keywords: [] });
  assert.equal(settings.triggers.powerOn, true);
  assert.equal(schedule, undefined, 'not enrolled: the schedule is registered at enrolment');

  await assert.rejects(agent.updateSettings({ batteryMin: 120 }), usage(/batteryMin/));
  await assert.rejects(
    agent.updateSettings({ triggers: { schedule: { every: 'week', weekday: 7, at: '03:00' } } }),
    usage(/triggers\.schedule/),
  );
  await assert.rejects(agent.updateSettings({ triggers: { schedule: { every: 'day', at: '25:00' } } }), usage(/HH:MM/));
  await assert.rejects(
    agent.updateSettings({ targets: { kinds: [], extensions: [] } }),
    usage(/at least one kind, extension, application or keyword/),
  );
  await assert.rejects(agent.updateSettings({ targets: { apps: ['a/b'] } }), usage(/targets\.apps/));
  assert.deepEqual(agent.settings(), settings, 'refused changes leave the settings as they were');
});

test('settings survive a restart; a handset from before issue 3 keeps its compression choice', async (t) => {
  const root = await tempDir(t, 'settings-persist');
  const dir = join(root, 'h');
  const first = await HandsetAgent.open(dir, { clock: new ManualClock() });
  await first.setSetting('triggers.schedule', 'daily@04:30');
  await first.close();
  const again = await HandsetAgent.open(dir, { clock: new ManualClock() });
  assert.deepEqual(again.settings().triggers.schedule, { every: 'day', at: '04:30' });
  await again.close();

  const legacyDir = join(root, 'legacy');
  await (await HandsetAgent.open(legacyDir)).close();
  const db = new HandsetDb(join(legacyDir, 'handset.db'));
  db.run("INSERT INTO settings (key, value) VALUES ('compress', 'false')");
  assert.equal(new SettingsTable(db).get().compress, false);
  db.close();
});

test('the CLI form key=value: every key, and clear errors', () => {
  assert.deepEqual(settingPatch('targets.kinds', 'contacts, media'), { targets: { kinds: ['contacts', 'media'] } });
  assert.equal(settingPatch('targets.kinds', 'all').targets?.kinds?.length, 11);
  assert.deepEqual(settingPatch('targets.extensions', 'vcf,.ics'), { targets: { extensions: ['vcf', '.ics'] } });
  assert.deepEqual(settingPatch('targets.apps', 'maps'), { targets: { apps: ['maps'] } });
  assert.deepEqual(settingPatch('targets.keywords', 'BackUp,important'), { targets: { keywords: ['BackUp', 'important'] } });
  assert.deepEqual(settingPatch('compress', 'off'), { compress: false });
  assert.deepEqual(settingPatch('triggers.sizeThresholdBytes', '10M'), { triggers: { sizeThresholdBytes: 10 * 1024 * 1024 } });
  assert.deepEqual(settingPatch('triggers.sizeThresholdBytes', 'none'), { triggers: { sizeThresholdBytes: null } });
  assert.deepEqual(settingPatch('triggers.powerOn', 'true'), { triggers: { powerOn: true } });
  assert.deepEqual(settingPatch('batteryMin', '20'), { batteryMin: 20 });
  const schedules: Array<[string, unknown]> = [
    ['daily@03:00', { every: 'day', at: '03:00' }],
    ['weekly@0@03:00', { every: 'week', weekday: 0, at: '03:00' }],
    ['monthly@28@23:59', { every: 'month', day: 28, at: '23:59' }],
    ['once@2026-05-01T03:00:00Z', { every: 'once', on: '2026-05-01T03:00:00.000Z' }],
    ['none', null],
  ];
  for (const [text, spec] of schedules) {
    assert.deepEqual(settingPatch('triggers.schedule', text), { triggers: { schedule: spec } });
    if (text !== 'once@2026-05-01T03:00:00Z') assert.equal(scheduleText(spec as Parameters<typeof scheduleText>[0]), text);
  }

  assert.throws(() => settingPatch('colour', 'blue'), usage(/unknown setting "colour"; settings are targets\.kinds/));
  assert.throws(() => settingPatch('targets.kinds', 'contacts,photos'), usage(/unknown kind\(s\) photos/));
  assert.throws(() => settingPatch('compress', 'maybe'), usage(/compress must be true or false/));
  assert.throws(() => settingPatch('triggers.schedule', 'hourly'), usage(/triggers\.schedule needs daily\|weekly\|monthly\|once@/));
  assert.throws(() => settingPatch('triggers.schedule', 'once@tomorrow'), usage(/ISO date and time/));
  assert.throws(() => settingPatch('batteryMin', 'low'), usage(/whole number/));
});

test('an item is a target by kind, OR extension, OR application, OR keyword in its name', () => {
  const targets: Targets = { kinds: ['contacts'], extensions: ['ics'], apps: ['maps'], keywords: ['BackUp'] };
  const yes = [
    { path: 'contacts/alice.vcf', kind: 'contacts' },
    { path: 'misc/meeting.ICS', kind: 'calendar' },
    { path: 'appdata/maps/tiles/1.bin', kind: 'appdata' },
    { path: 'apps/Maps/config.json', kind: 'apps' },
    { path: 'apps/maps.apk', kind: 'apps' },
    { path: 'notes/my-backup-list.txt', kind: 'other' },
  ] as const;
  const no = [
    { path: 'media/a.jpg', kind: 'media' },
    { path: 'appdata/mapsplus/x.bin', kind: 'appdata' },
    { path: 'notes/maps/readme.txt', kind: 'other' },
    { path: 'backup/notes.txt', kind: 'other' },
  ] as const;
  for (const item of yes) assert.ok(isTarget(item, targets), `${item.path} is a target`);
  for (const item of no) assert.ok(!isTarget(item, targets), `${item.path} is not a target`);
});

test('a changed schedule on an enrolled handset is registered at the center, or left owed when it cannot be', async (t) => {
  const root = await tempDir(t, 'settings-register');
  const agent = await enrolledOffline(join(root, 'h'));
  t.after(() => agent.close());
  const same = await agent.setSetting('compress', 'false');
  assert.equal(same.schedule, undefined, 'no schedule change, nothing to register');
  const changed = await agent.setSetting('triggers.schedule', 'monthly@1@02:00');
  assert.equal(changed.schedule?.registered, false);
  assert.equal(changed.schedule?.registered === false && changed.schedule.code, 'NETWORK');
  assert.deepEqual(changed.settings.triggers.schedule, { every: 'month', day: 1, at: '02:00' }, 'the setting stands');
});
