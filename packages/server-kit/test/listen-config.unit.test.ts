/**
 * The shared listen and clock sections (config/listen.ts): one declaration
 * read under each server's own prefix, its defaults, its TLS pair rule with
 * the server's own message, and the database URL masked when printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { clockSection, ConfigSections, listenSection, type ListenConfig } from '@phonesafe/server-kit';

const toy = new ConfigSections<ListenConfig & { clock: string | null }>('toy', [
  listenSection({ prefix: 'TOY', port: 9000, data: './toy-data', dbFile: 'toy.db', tlsPairMissing: 'toy: give both or neither' }),
  clockSection,
]);

test('listenSection: the prefix names the variables, flags win, the defaults fill the rest; one of the TLS pair is refused; the db URL is masked', () => {
  const defaults = toy.load({}, {});
  assert.deepEqual(defaults, {
    host: '127.0.0.1',
    port: 9000,
    data: resolve('./toy-data'),
    db: `sqlite:${resolve('./toy-data', 'toy.db')}`,
    tls: null,
    logLevel: 'info',
    clock: null,
  });
  assert.deepEqual(toy.variables(), [
    'TOY_PORT',
    'TOY_HOST',
    'TOY_DATA',
    'TOY_DB',
    'TOY_TLS_CERT',
    'TOY_TLS_KEY',
    'TOY_LOG_LEVEL',
    'PHONESAFE_CLOCK',
  ]);

  const env = {
    TOY_PORT: '9001',
    TOY_DB: 'postgres://u:hunter2@db/toy',
    TOY_TLS_CERT: 'c.pem',
    TOY_TLS_KEY: 'k.pem',
    TOY_LOG_LEVEL: 'warn',
  };
  const config = toy.load({ port: 9002, host: '0.0.0.0' }, env);
  assert.equal(config.port, 9002);
  assert.equal(config.host, '0.0.0.0');
  assert.deepEqual(config.tls, { cert: resolve('c.pem'), key: resolve('k.pem') });
  assert.equal(config.logLevel, 'warn');
  const printed = toy.print(config);
  assert.doesNotMatch(printed, /hunter2/);
  assert.equal(JSON.parse(printed).db, 'postgres://u:***@db/toy');
  assert.deepEqual(toy.secrets(), ['db']);

  assert.throws(() => toy.load({ tlsCert: 'c.pem' }, {}), { code: 'USAGE', message: 'toy: give both or neither' });
  assert.throws(() => toy.load({}, { TOY_PORT: 'eighty' }), { code: 'USAGE', message: /TOY_PORT \(from the environment\)/ });
  assert.throws(() => toy.load({}, { PHONESAFE_CLOCK: 'soon' }), { code: 'USAGE', message: /PHONESAFE_CLOCK/ });
});
