import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { loadConfig, printConfig } from '../src/config/config.ts';

describe('center configuration', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({}, {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.data, resolve('.phonesafe/center'));
    assert.equal(config.db, `sqlite:${resolve('.phonesafe/center/center.db')}`);
    assert.deepEqual(config.retention, { keepLast: 10, keepDaily: 7, keepWeekly: 4, keepMonthly: 12 });
    assert.equal(config.maxPartBytes, 8 * 1024 * 1024);
    assert.equal(config.pruneGraceMs, 3_600_000);
    assert.equal(config.tls, null);
    assert.equal(config.centerSecret, null);
    assert.equal(config.tickMs, 1000);
    assert.deepEqual(config.defaultRetry, { intervalSeconds: 600, answerTimeoutSeconds: 60, maxTries: 6 });
    assert.equal(config.transferTimeoutMs, 30 * 60_000);
    assert.equal(config.quotaBytes, 10 * 1024 ** 3);
    assert.equal(config.clock, null);
  });

  it('reads the scheduler, retry, quota and clock settings (issue 3)', () => {
    const config = loadConfig(
      {},
      {
        PHONESAFE_TICK_MS: '50',
        PHONESAFE_RETRY_INTERVAL_SECONDS: '30',
        PHONESAFE_ANSWER_TIMEOUT_SECONDS: '5',
        PHONESAFE_MAX_TRIES: '2',
        PHONESAFE_TRANSFER_TIMEOUT_SECONDS: '120',
        PHONESAFE_QUOTA_BYTES: '1000',
        PHONESAFE_CLOCK: 'scaled:1767225600000:600',
      },
    );
    assert.equal(config.tickMs, 50);
    assert.deepEqual(config.defaultRetry, { intervalSeconds: 30, answerTimeoutSeconds: 5, maxTries: 2 });
    assert.equal(config.transferTimeoutMs, 120_000);
    assert.equal(config.quotaBytes, 1000);
    assert.equal(config.clock, 'scaled:1767225600000:600');
    assert.throws(() => loadConfig({}, { PHONESAFE_CLOCK: 'fast' }), /PHONESAFE_CLOCK/);
  });

  it('reads PHONESAFE_* variables, and CLI overrides win over them', () => {
    const env = { PHONESAFE_PORT: '9000', PHONESAFE_DATA: '/srv/ps', PHONESAFE_KEEP_LAST: '3', PHONESAFE_LOG_LEVEL: 'warn' };
    const config = loadConfig({ port: 0 }, env);
    assert.equal(config.port, 0);
    assert.equal(config.data, '/srv/ps');
    assert.equal(config.db, 'sqlite:/srv/ps/center.db');
    assert.equal(config.retention.keepLast, 3);
    assert.equal(config.logLevel, 'warn');
  });

  it('refuses an invalid configuration with USAGE naming the setting as given: its flag or its variable', () => {
    const refused = (overrides: Record<string, string>, env: Record<string, string> = {}) => {
      try {
        loadConfig(overrides, env);
      } catch (error) {
        assert.ok(error instanceof PhoneSafeError);
        assert.equal(error.code, 'USAGE');
        return error.detail;
      }
      assert.fail('accepted');
    };
    assert.match(refused({}, { PHONESAFE_PORT: '70000' }), /configuration: PHONESAFE_PORT \(from the environment\): /);
    assert.match(refused({ db: 'mysql://x' }), /configuration: --db: a database URL/);
    assert.match(refused({ logLevel: 'loud' }, { PHONESAFE_LOG_LEVEL: 'debug' }), /--log-level: /);
    assert.match(refused({ tlsCert: 'cert.pem' }), /both --tls-cert and --tls-key \(or PHONESAFE_TLS_CERT and PHONESAFE_TLS_KEY\)/);
  });

  it('printConfig masks the database password and the center secret', () => {
    const config = loadConfig({ db: 'postgres://center:s3cret-pw@db.example:5432/ps?password=other', centerSecret: 'x'.repeat(40) }, {});
    const printed = printConfig(config);
    assert.equal(printed.includes('s3cret-pw'), false);
    assert.equal(printed.includes('other'), false);
    assert.equal(printed.includes('x'.repeat(40)), false);
    const parsed = JSON.parse(printed);
    assert.equal(parsed.db, 'postgres://center:***@db.example:5432/ps?password=***');
    assert.equal(parsed.centerSecret, '***');
    assert.equal(parsed.maxPartBytes, config.maxPartBytes, 'everything else is shown as is');
  });
});
