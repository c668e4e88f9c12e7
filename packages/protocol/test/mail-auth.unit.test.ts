import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  composeMail,
  deriveMailKeys,
  EMPTY_WINDOW,
  newPairingSecret,
  pairingCode,
  secretOfPairingCode,
  verifyMail,
  windowAccept,
  windowAccepts,
  type MailToCompose,
  type ReplayWindow,
  type VerifyContext,
} from '@phonesafe/protocol/node';
import { PhoneSafeError } from '@phonesafe/protocol';

const secret = newPairingSecret();
const keys = deriveMailKeys(secret);
const now = new Date('2026-01-01T05:00:00Z');

function mail(over: Partial<MailToCompose> = {}) {
  return composeMail({
    keys,
    role: 'pc',
    code: 'backup',
    seq: 1,
    now,
    from: 'pc@pc.test',
    to: 'phone@phone.test',
    subject: 'PhoneSafe backup instruction',
    group: 'g1',
    part: { index: 1, count: 1 },
    payload: Buffer.from('sealed bytes'),
    ...over,
  });
}

function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return {
    keys,
    sender: 'pc',
    senderAddress: 'pc@pc.test',
    codes: ['backup', 'restore'],
    now,
    maxAgeSeconds: (code) => (code === 'restore' ? 3600 : 86400),
    window: EMPTY_WINDOW,
    nonceSeen: () => false,
    ...over,
  };
}

const reason = (raw: Buffer, c = ctx()) => {
  const v = verifyMail(raw, c);
  return v.ok ? 'ok' : v.reason;
};
const edit = (raw: Buffer, from: string | RegExp, to: string) => Buffer.from(raw.toString('latin1').replace(from, to), 'latin1');

test('a genuine mail verifies, also after an MTA refolds its headers and adds trace fields', () => {
  const { raw } = mail();
  const verdict = verifyMail(raw, ctx());
  assert.ok(verdict.ok);
  assert.equal(verdict.mail.payload.toString(), 'sealed bytes');
  assert.equal(verdict.mail.tags.s, 1);
  const refolded = edit(edit(raw, /;\r\n /g, '; '), /^/, 'Received: from x by y\r\nReturn-Path: <pc@pc.test>\r\n');
  assert.equal(reason(refolded), 'ok');
  assert.equal(reason(edit(raw, 'MB-Direction-Code', 'Mb-Direction-Code')), 'ok', 'header names are case-insensitive');
});

test('an altered signed header, a forged From or a duplicated header is refused as bad-mac', () => {
  const { raw } = mail();
  assert.equal(reason(edit(raw, 'Subject: PhoneSafe backup instruction', 'Subject: PhoneSafe backup instructions')), 'bad-mac');
  assert.equal(reason(edit(raw, 'From: <pc@pc.test>', 'From: <mallory@evil.test>')), 'bad-mac');
  assert.equal(reason(edit(raw, 'MB-Direction-Code: backup', 'MB-Direction-Code: restore')), 'bad-mac');
  assert.equal(reason(edit(raw, /^/, 'Subject: other\r\n')), 'bad-mac', 'a prepended duplicate is refused');
  assert.equal(reason(edit(raw, 'To: <phone@phone.test>', 'To: <phone2@phone.test>')), 'bad-mac');
});

test('an altered body is refused as altered', () => {
  const { raw } = mail({ payload: Buffer.from('x'.repeat(300)) });
  const text = raw.toString('latin1');
  const at = text.indexOf('eHh4');
  const altered = Buffer.from(text.slice(0, at) + 'eXh4' + text.slice(at + 4), 'latin1');
  assert.equal(reason(altered), 'altered');
});

test('authentication info copied from another mail does not verify', () => {
  const first = mail().raw.toString('latin1');
  const second = mail({ seq: 2, now: new Date(now.getTime() + 1000) }).raw.toString('latin1');
  const authOf = (text: string) => /MB-Authentication-Info:[^]*?(?=\r\nFrom:)/.exec(text)![0];
  const copied = Buffer.from(second.replace(authOf(second), authOf(first)), 'latin1');
  assert.equal(reason(copied), 'bad-mac');
});

test('a stranger who knows the header names, or the other direction, gets bad-mac', () => {
  const stranger = deriveMailKeys(newPairingSecret());
  assert.equal(reason(mail({ keys: stranger }).raw), 'bad-mac');
  assert.equal(reason(mail({ keys: { ...stranger, pairingId: keys.pairingId } }).raw), 'bad-mac');
  assert.equal(reason(mail({ role: 'hs' }).raw), 'bad-mac', 'a handset-signed mail is never an instruction');
  const noAuth = edit(mail().raw, /MB-Authentication-Info:[^]*?(?=\r\nFrom:)/, 'MB-Authentication-Info: v=1; a=hmac-sha256');
  assert.equal(reason(noAuth), 'bad-mac');
  assert.equal(verifyMail(Buffer.from('From: a@b\r\nSubject: hi\r\n\r\nhello'), ctx()).ok, false);
  assert.equal(reason(Buffer.from('From: a@b\r\nSubject: hi\r\n\r\nhello')), 'not-ours');
});

test('replays and mails out of their time window are refused', () => {
  const { raw, nonce } = mail({ seq: 5 });
  let window: ReplayWindow = windowAccept(EMPTY_WINDOW, 5);
  assert.equal(reason(raw, ctx({ window })), 'replay');
  assert.equal(reason(raw, ctx({ nonceSeen: (n) => n === nonce })), 'replay');
  window = windowAccept(EMPTY_WINDOW, 200);
  assert.equal(reason(raw, ctx({ window })), 'replay', 'below the window');
  const later = new Date(now.getTime() + 2 * 3600 * 1000);
  assert.equal(reason(mail({ code: 'restore' }).raw, ctx({ now: later })), 'stale', 'a restore instruction lives 1 h');
  assert.equal(reason(mail().raw, ctx({ now: later })), 'ok', 'a backup instruction lives 24 h');
  assert.equal(reason(mail().raw, ctx({ now: new Date(now.getTime() - 3600 * 1000) })), 'stale', 'from the future');
  assert.equal(reason(edit(mail().raw, /Date: [^\r]+/, 'Date: Fri, 02 Jan 2026 05:00:00 +0000')), 'bad-mac');
});

test('the window accepts each sequence number once, in any order within 64', () => {
  let w = EMPTY_WINDOW;
  for (const s of [3, 1, 2, 70, 10]) {
    assert.ok(windowAccepts(w, s), `accepts ${s}`);
    w = windowAccept(w, s);
    assert.equal(windowAccepts(w, s), false, `not twice ${s}`);
  }
  assert.equal(windowAccepts(w, 6), false, '6 is below 70 - 64');
  assert.ok(windowAccepts(w, 7));
  assert.equal(windowAccepts(w, 0), false);
});

test('a pairing code gives back its secret; a mistyped one is refused', () => {
  const code = pairingCode(secret);
  assert.match(code, /^PSM1-[A-Z2-7-]+$/);
  assert.deepEqual(secretOfPairingCode(code.toLowerCase()), secret);
  const typo = code.slice(0, 10) + (code[10] === 'A' ? 'B' : 'A') + code.slice(11);
  assert.throws(
    () => secretOfPairingCode(typo),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'MAIL_NOT_PAIRED',
  );
});
