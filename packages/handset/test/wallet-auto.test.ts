/**
 * The wallet's triggers acting, on a ManualClock that moves only when told
 * (the safe is a real process on loopback, so the clock starts at the real
 * now and moves by minutes, inside the safe's request window): a period
 * elapsing backs up once, the battery recovering recovers the recalled
 * certificates once, a time of day passing recovers once, free space falling
 * below the mark backs up once. Each tick between edges does nothing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import { startSafe, tempDir } from '@phonesafe/testkit';
import { HandsetAgent, type WalletEvent } from '../src/index.ts';

const brief = (events: WalletEvent[]) => events.map((e) => `${e.event}:${'reasons' in e ? e.reasons.join('+') : ''}`);

test('wallet triggers act once per edge on the injected clock: period, battery, time of day, shortage', { timeout: 120_000 }, async (t) => {
  const root = await tempDir(t, 'wallet-auto');
  const safe = await startSafe(t, join(root, 'safe'));
  const clock = new ManualClock(new Date());
  const agent = await HandsetAgent.open(join(root, 'h'), { clock, walletScryptN: 1024 });
  t.after(() => agent.close());
  const wallet = agent.wallet();
  const auto = agent.walletAuto();
  await wallet.addSafe(safe.url, safe.fingerprint);
  const coupon = (i: number) => Buffer.from(JSON.stringify({ class: 'coupon', name: `c${i}`, total: 100 }));
  for (let i = 0; i < 3; i++) await wallet.add(coupon(i));
  for (const [key, value] of [
    ['backup.safe', safe.url],
    ['backup.where', 'class=coupon'],
    ['backup.couple', 'couple-then-encrypt'],
    ['backup.every', '1m'],
    ['recover.batteryAbove', '50'],
  ])
    await auto.set(key!, value!);

  await assert.rejects(auto.set('recover.signalAbove', '9'), /USAGE|signalAbove/);
  await assert.rejects(auto.set('backup.where', 'colour=red'), /unknown condition field/);
  await assert.rejects(auto.set('warp', '1'), /unknown wallet setting/);
  assert.deepEqual(brief(await auto.tick()), [], 'the first look only records');
  clock.advance(59_000);
  assert.deepEqual(brief(await auto.tick()), []);
  clock.advance(1_000);
  const [periodic] = await auto.tick();
  assert.equal(periodic?.event, 'wallet-backup');
  assert.deepEqual([periodic.reasons, periodic.deposited.length, periodic.certificates.length], [['periodic'], 3, 1]);
  assert.deepEqual(brief(await auto.tick()), [], 'no second run in the same period');
  await auto.set('backup.every', 'none');

  await wallet.recall(periodic.certificates, true);
  agent.setDeviceState({ battery: 20 });
  assert.deepEqual(brief(await auto.tick()), []);
  agent.setDeviceState({ battery: 80 });
  assert.deepEqual(brief(await auto.tick()), ['wallet-recovered:battery']);
  assert.equal((await wallet.list({ sign: 'A' })).length, 3, 'the coupons are back');

  // On request, then back at a time of day two minutes from now.
  const requested = await auto.backup(['request']);
  await wallet.recall(requested.certificates, true);
  const target = new Date(clock.now().getTime() + 120_000);
  target.setUTCSeconds(0, 0);
  await auto.set('recover.at', target.toISOString().slice(11, 16));
  assert.deepEqual(brief(await auto.tick()), [], 'the battery stays high: no new edge');
  clock.set(target);
  assert.deepEqual(brief(await auto.tick()), ['wallet-recovered:time-of-day']);
  clock.advance(1_000);
  assert.deepEqual(brief(await auto.tick()), []);

  // Free space falling below the mark backs up once.
  const { free } = await wallet.status();
  await auto.set('backup.freeBelow', String(free - 50));
  assert.deepEqual(brief(await auto.tick()), []);
  await wallet.add(Buffer.from(JSON.stringify({ class: 'coupon', name: 'c3', total: 100 })));
  assert.deepEqual(brief(await auto.tick()), ['wallet-backup:shortage']);
  assert.deepEqual(await wallet.list({ sign: 'A' }), []);
  assert.deepEqual(brief(await auto.tick()), []);
});
