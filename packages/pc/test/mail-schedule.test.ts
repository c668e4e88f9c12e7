import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcMail, setMailSchedule, takeDue, mailSchedules } from '@phonesafe/pc';
import { ManualClock } from '@phonesafe/protocol';
import { tempDir } from '@phonesafe/testkit';

test('the mail schedule table: a due row is taken once, and slots missed meanwhile give one instruction, not one each', async (t) => {
  const dir = await tempDir(t, 'pc');
  const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
  await new PcMail(dir, clock).pair({
    name: 'phone-a',
    pc: { address: 'pc@pc.test', smtp: 'smtp://127.0.0.1:587', imap: 'imap://127.0.0.1:143' },
    handset: 'phone@phone.test',
    owner: 'owner@owner.test',
  });
  const entry = await setMailSchedule(dir, 'phone-a', { spec: { every: 'day', at: '03:00' }, kinds: ['contacts'] }, clock.now());
  assert.equal(entry?.nextRunAt, '2026-03-01T03:00:00.000Z');
  assert.deepEqual(await takeDue(dir, new Date('2026-03-01T02:59:00Z')), []);
  // Three days and two hours later (the pc was off): one instruction, and the next slot is after now.
  const due = await takeDue(dir, new Date('2026-03-04T05:00:00Z'));
  assert.deepEqual(
    due.map((e) => [e.handset, e.kinds]),
    [['phone-a', ['contacts']]],
  );
  assert.deepEqual(await takeDue(dir, new Date('2026-03-04T05:01:00Z')), []);
  assert.equal((await mailSchedules(dir))[0]?.nextRunAt, '2026-03-05T03:00:00.000Z');
  // A restore row only with the explicit flag; refused, it leaves the table as it was.
  await assert.rejects(
    setMailSchedule(dir, 'phone-a', { spec: { every: 'once', on: '2026-03-06T00:00:00.000Z' }, restore: 'mb-1' }, clock.now()),
    {
      code: 'USAGE',
      message: /--allow-restore/,
    },
  );
  assert.equal((await mailSchedules(dir)).length, 1);
  await setMailSchedule(dir, 'phone-a', { spec: null }, clock.now());
  assert.deepEqual(await mailSchedules(dir), []);
  await assert.rejects(setMailSchedule(dir, 'nobody', { spec: { every: 'day', at: '03:00' } }, clock.now()), { code: 'MAIL_NOT_PAIRED' });
});
