/** The whole handset flow once more, on PostgreSQL (a database made and dropped by this file). */
import { after, before, describe, it } from 'node:test';
import { pgDatabase } from '@phonesafe/testkit';
import { runFullHandsetFlow } from './http-flow-scenario.ts';
import { startHarness, type Harness } from './http-harness.ts';

describe('HTTP API on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let h: Harness;
  before(async () => {
    database = await pgDatabase();
    h = await startHarness({ db: database.url });
  });
  after(async () => {
    await h?.close();
    await database?.drop();
  });

  it('runs the full handset flow', async () => {
    await runFullHandsetFlow(h);
  });
});
