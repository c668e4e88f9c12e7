/**
 * The CLI's one reader of the environment (src/env.ts): secrets are declared
 * where the variables are, and never come out of a CliEnv; every variable
 * is validated when a verb first needs it, with the message that names it.
 */
import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { CliEnv, SECRET_VARIABLES } from '../src/env.ts';

const SECRETS = {
  PHONESAFE_PASSWORD: 'pw-4f1c9e shown nowhere',
  PHONESAFE_NEW_PASSWORD: 'new-pw-7a2b nowhere either',
  PHONESAFE_RESCUE_CODE: '86420135',
  PHONESAFE_WALLET_PIN: '97531086',
  PHONESAFE_RECOVERY_KEY: '0a1b2c3d-recovery-key-shown-nowhere',
  PHONESAFE_PC_MAIL_PASSWORD: 'pc-mail-pw-91d0',
  PHONESAFE_MAIL_PASSWORD: 'hs-mail-pw-3c55',
  PHONESAFE_MAIL_PAIRING_CODE: 'PSM1-AAAA-BBBB',
  PHONESAFE_PIN: '24681357',
  PHONESAFE_PUK: '97531864',
  PHONESAFE_TERMINAL_PASSWORD: 'terminal-pw-3c9d nowhere',
};

test('every secret variable (passwords, codes, PINs, keys) is declared secret, and no description of the environment shows their values', () => {
  assert.deepEqual([...SECRET_VARIABLES].sort(), Object.keys(SECRETS).sort());
  const env = new CliEnv({ ...SECRETS, PHONESAFE_CENTER: 'http://127.0.0.1:8780', UNRELATED: 'not kept' });
  const shown = [JSON.stringify(env), inspect(env), JSON.stringify(env.describe()), String(Object.values(env.describe()))];
  for (const text of shown) for (const value of Object.values(SECRETS)) assert.ok(!text.includes(value), `${value} in ${text}`);
  assert.deepEqual(env.describe(), {
    PHONESAFE_PASSWORD: '***',
    PHONESAFE_NEW_PASSWORD: '***',
    PHONESAFE_RESCUE_CODE: '***',
    PHONESAFE_WALLET_PIN: '***',
    PHONESAFE_RECOVERY_KEY: '***',
    PHONESAFE_PC_MAIL_PASSWORD: '***',
    PHONESAFE_MAIL_PASSWORD: '***',
    PHONESAFE_MAIL_PAIRING_CODE: '***',
    PHONESAFE_PIN: '***',
    PHONESAFE_PUK: '***',
    PHONESAFE_TERMINAL_PASSWORD: '***',
    PHONESAFE_CENTER: 'http://127.0.0.1:8780',
  });
  // The verbs that need them still get them.
  assert.deepEqual(
    [
      env.password(),
      env.newPassword(),
      env.rescueCode(),
      env.walletPin(),
      env.recoveryKey(),
      env.pcMailPassword(),
      env.handsetMailPassword(),
      env.mailPairingCode(),
      env.pin(),
      env.puk(),
      env.terminalPassword(),
    ],
    Object.values(SECRETS),
  );
});

test('an empty value counts as unset; the pc sees its variables as given', () => {
  const env = new CliEnv({ PHONESAFE_PASSWORD: '', PHONESAFE_CLOCK: '', PHONESAFE_HTTP_TIMEOUT_SECONDS: '', PHONESAFE_CENTER: '' });
  assert.equal(env.password(), undefined);
  assert.deepEqual(env.httpTimeouts(), {});
  assert.ok(env.clock().now() instanceof Date);
  assert.deepEqual(env.pc(), {
    PHONESAFE_CENTER: '',
    PHONESAFE_OWNER: undefined,
    PHONESAFE_PC_DIR: undefined,
    XDG_CONFIG_HOME: undefined,
    HOME: undefined,
  });
});

test('a bad value is a usage error naming the variable, raised only when a verb needs it', () => {
  const env = new CliEnv({
    PHONESAFE_HTTP_TIMEOUT_SECONDS: 'soon',
    PHONESAFE_CLOCK: 'fast',
    PHONESAFE_HTTP_CONNECT_TIMEOUT_SECONDS: '2.5',
  });
  const usage = (pattern: RegExp) => (error: unknown) =>
    error instanceof PhoneSafeError && error.code === 'USAGE' && pattern.test(error.detail);
  assert.throws(
    () => env.httpTimeouts(),
    usage(/^PHONESAFE_HTTP_TIMEOUT_SECONDS must be a number of seconds above 0 and at most 86400, not 'soon'$/),
  );
  assert.throws(() => env.clock(), usage(/^PHONESAFE_CLOCK must be scaled:<originMs>:<factor> or file:<path>, not fast$/));
  assert.deepEqual(new CliEnv({ PHONESAFE_HTTP_CONNECT_TIMEOUT_SECONDS: '2.5' }).httpTimeouts(), { connectMs: 2500 });
  assert.throws(() => new CliEnv({ PHONESAFE_HTTP_TIMEOUT_SECONDS: '0' }).httpTimeouts(), usage(/not '0'$/));
  assert.throws(() => new CliEnv({ PHONESAFE_HTTP_TIMEOUT_SECONDS: '86401' }).httpTimeouts(), usage(/not '86401'$/));
});

test('the clock is made once per environment, not once per process', () => {
  const spec = `scaled:${Date.now()}:60`;
  const one = new CliEnv({ PHONESAFE_CLOCK: spec });
  assert.equal(one.clock(), one.clock());
  assert.notEqual(new CliEnv({ PHONESAFE_CLOCK: spec }).clock(), one.clock());
});
