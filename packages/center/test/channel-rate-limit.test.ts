/**
 * Issue 8 item 19: a handset socket that floods the channel is refused once
 * and closed with 1008 (policy violation) after at most a burst of messages
 * is handled; messages are bounded in size; the center keeps serving others.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { until } from '@phonesafe/testkit';
import { ChannelClient } from './channel-client.ts';
import { call, enroll, expectStatus, newOwner, startHarness, type Harness, type TestOwner } from './http-harness.ts';

const BURST = 50;
const forged = () => ({ type: 'backup-start-answer', requestId: `req-${randomUUID()}`, answer: 'OK' });

describe('channel rate limit', () => {
  let h: Harness;
  let url: string;
  let owner: TestOwner;
  beforeEach(async () => {
    h = await startHarness({ tickMs: 0, channelBurst: BURST, channelRate: 10 });
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    owner = await newOwner(h);
  });
  afterEach(() => h.close());

  it('2,000 forged answers on one socket: at most the burst is handled, one RATE_LIMITED refusal, closed 1008; others are served', async () => {
    const flooder = await ChannelClient.connect(url, (await enroll(h, owner, 'flooder')).credential);
    const calm = await ChannelClient.connect(url, (await enroll(h, owner, 'calm')).credential);
    for (let i = 0; i < 2000; i++) flooder.send(forged());
    const code = await Promise.race([flooder.closed, until(() => false, 'the flooding socket to close', 10_000)]);
    assert.equal(code, 1008);
    const refusals = flooder.of('refused');
    const limited = refusals.filter((r) => r.code === 'RATE_LIMITED');
    assert.equal(limited.length, 1, JSON.stringify(limited));
    assert.ok(refusals.length - 1 <= BURST, `${refusals.length - 1} forged answers were handled`);

    // The center still answers: HTTP, another handset's channel, and the flooder reconnecting.
    expectStatus(await call(h, 'GET', '/v1/health'), 200);
    assert.equal((await calm.refused(forged())).code, 'NOT_FOUND');
    const again = await ChannelClient.connect(url, (await enroll(h, owner, 'flooder-2')).credential);
    assert.equal((await again.refused(forged())).code, 'NOT_FOUND');
    await Promise.all([calm.close(), again.close()]);
  });

  it('the bucket refills with time: a handset within the rate is never limited', async () => {
    const phone = await ChannelClient.connect(url, (await enroll(h, owner, 'steady')).credential);
    for (let second = 0; second < 3 * BURST; second++) {
      // 10 a second allowed; 5 a second sent, on the center's clock.
      for (let i = 0; i < 5; i++) assert.equal((await phone.refused(forged())).code, 'NOT_FOUND');
      h.clock.advance(1000);
    }
    assert.equal(phone.of('refused').filter((r) => r.code === 'RATE_LIMITED').length, 0);
    await phone.close();
  });

  it('a message over 64 KiB closes the socket (1009) without handling it', async () => {
    const phone = await ChannelClient.connect(url, (await enroll(h, owner, 'big')).credential);
    phone.send({ ...forged(), pad: 'x'.repeat(65 * 1024) });
    assert.equal(await phone.closed, 1009);
    assert.deepEqual(phone.of('refused'), []);
  });
});
