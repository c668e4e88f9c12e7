/**
 * Issue 8 item 15 from the handset's side: the center answers a registration
 * of a taken address as it answers a new one, so enrolment finds out by
 * logging in. The first handset registers the owner, the next ones log in
 * (and leave no "someone tried to register" notice), and a wrong password
 * for a taken address says so.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';
import { OWNER_PASSWORD } from '@phonesafe/testkit';
import { centerWorld } from './center-world.ts';

const OWNER = 'first@example.com';

test('the first handset registers the owner, the second logs in, a wrong password for a taken address says so', async (t) => {
  const w = await centerWorld(t, { label: 'enrol' });
  const enrol = async (name: string, password = OWNER_PASSWORD) =>
    (await w.handset(name, { enroll: false })).enroll({ center: w.url, owner: OWNER, password, name });

  assert.equal((await enrol('phone-1')).ownerRegistered, true);
  assert.equal((await enrol('phone-2')).ownerRegistered, false);
  await assert.rejects(enrol('phone-3', 'not the password'), (error) => {
    assert.ok(error instanceof PhoneSafeError, String(error));
    assert.equal(error.code, 'UNAUTHENTICATED');
    assert.match(error.detail, /first@example\.com is registered already, with another password/);
    return true;
  });

  const client = new CenterClient({ baseUrl: w.url });
  t.after(() => client.close());
  const owner = await loginOwner(client, OWNER, OWNER_PASSWORD);
  assert.deepEqual(
    (await owner.client.listHandsets()).map((h) => h.name),
    ['phone-1', 'phone-2'],
  );
  // Only the wrong password's registration is news to the owner; enrolling the second handset is not.
  const notices = (await owner.client.notices()).filter((n) => n.kind === 'registration-attempt');
  assert.equal(notices.length, 1);
});

test('handsets of a new owner enrolled at the same time all get in; one of them registered the owner', async (t) => {
  const w = await centerWorld(t, { label: 'enrol-race' });
  // Two: the first failed logins count towards the login lockout's limit (5), and each try is
  // reserved before it is checked, so the failed ones plus the second logins in flight at once
  // must stay within it (2 + 2); more could be refused LOCKED while another is being checked.
  const names = ['race-1', 'race-2'];
  const results = await Promise.all(
    names.map(async (name) => {
      const agent = await w.handset(name, { enroll: false });
      return agent.enroll({ center: w.url, owner: 'racing@example.com', password: OWNER_PASSWORD, name });
    }),
  );
  assert.deepEqual(
    results.map((r) => r.name),
    names,
  );
  assert.equal(results.filter((r) => r.ownerRegistered).length, 1);
});
