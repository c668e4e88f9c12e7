/**
 * SIM sync benchmark (issue 12): one center (in this process, on loopback,
 * SQLite), two handsets of one owner bound to one SIM. Measures the sync
 * sessions only, not process starts:
 *
 *   - up:   1,000 new contacts uploaded by handset A (sealed, inline, 2 pages)
 *   - down: the same 1,000 downloaded and applied by handset B
 *   - noop: a sync of B with nothing to do
 *
 *   npm run bench:sync -- [--contacts 1000] [--rounds 3] [--json]
 *
 * Not part of `npm test`; figures go in the note, not asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, startCenter } from '@phonesafe/center';
import { HandsetAgent, createSim } from '@phonesafe/handset';
import { DATA_KINDS } from '@phonesafe/protocol';
import { createSubscriberAsOwner } from '@phonesafe/testkit';
import { writeContacts } from '../scale/contacts.ts';

const { values: opt } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const CONTACTS = Number(opt.contacts);
const ROUNDS = Number(opt.rounds);
const OWNER = 'bench-sync@example.org';
const PASSWORD = 'correct horse battery staple (sync bench)';
const NUMBER = '+819099990000';
const PIN = '4321';
const TERMINAL = 'bench terminal';

async function round(root: string, n: number): Promise<{ upMs: number; downMs: number; noopMs: number; bytes: number }> {
  const config = loadConfig({ port: 0, data: join(root, `center-${n}`), logLevel: 'silent' }, {});
  const center = await startCenter(config, {});
  const agents: HandsetAgent[] = [];
  try {
    const open = async (name: string) => {
      const agent = await HandsetAgent.open(join(root, `${name}-${n}`));
      agents.push(agent);
      await agent.enroll({ center: center.url, owner: OWNER, password: PASSWORD, name });
      await agent.simSync.setPassword(TERMINAL);
      return agent;
    };
    const a = await open('a');
    const b = await open('b');
    await createSubscriberAsOwner(center.url, OWNER, PASSWORD, NUMBER);
    const sim = join(root, `sim-${n}.json`);
    await createSim(sim, { number: NUMBER, pin: PIN });
    const bind = (agent: HandsetAgent) =>
      agent.simSync.bind({
        mode: 'terminal',
        passwordEachSync: false,
        requireSimForEdits: false,
        kinds: [...DATA_KINDS],
        shop: false,
        pin: PIN,
        password: TERMINAL,
      });
    for (const agent of [a, b]) {
      await agent.simSync.insertSim(sim, PIN, {});
      await bind(agent);
      await agent.simSync.removeSim(sim, { noSync: true, secrets: {} });
    }
    const src = join(root, `src-${n}`);
    const bytes = writeContacts(src, n, CONTACTS);
    await a.simSync.insertSim(sim, PIN, {});
    let t = performance.now();
    await a.importTree(src);
    process.stderr.write(`import of ${CONTACTS} contacts (for comparison): ${(performance.now() - t).toFixed(0)} ms\n`);
    t = performance.now();
    const up = await a.simSync.sync('up', {});
    const upMs = performance.now() - t;
    if (up.uploaded.length !== CONTACTS) throw new Error(`uploaded ${up.uploaded.length}`);
    await a.simSync.removeSim(sim, { noSync: true, secrets: {} });
    // Insertion without its trigger's sync would be the same session; time the download alone.
    await b.simSync.insertSim(sim, PIN, {}).catch(() => undefined);
    return await (async () => {
      // The insertion above already downloaded: measure a fresh download on a third handset instead.
      const c = await open('c');
      await b.simSync.removeSim(sim, { noSync: true, secrets: {} });
      await c.simSync.insertSim(sim, PIN, {});
      await bind(c);
      t = performance.now();
      const down = await c.simSync.sync('down', {});
      const downMs = performance.now() - t;
      if (down.downloaded.length !== CONTACTS) throw new Error(`downloaded ${down.downloaded.length}`);
      t = performance.now();
      await c.simSync.sync('both', {});
      const noopMs = performance.now() - t;
      return { upMs, downMs, noopMs, bytes };
    })();
  } finally {
    for (const agent of agents) await agent.close();
    await center.close();
  }
}

const root = mkdtempSync(join(tmpdir(), 'phonesafe-bench-sync-'));
try {
  const results = [];
  for (let n = 0; n < ROUNDS; n++) results.push(await round(root, n));
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const summary = {
    contacts: CONTACTS,
    contactBytes: results[0]!.bytes,
    rounds: ROUNDS,
    upMs: median(results.map((r) => r.upMs)),
    downMs: median(results.map((r) => r.downMs)),
    noopMs: median(results.map((r) => r.noopMs)),
    all: results.map(({ upMs, downMs, noopMs }) => ({ upMs: Math.round(upMs), downMs: Math.round(downMs), noopMs: Math.round(noopMs) })),
  };
  if (opt.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else
    process.stdout.write(
      `${CONTACTS} contacts (${summary.contactBytes} bytes): up ${summary.upMs.toFixed(0)} ms, down ${summary.downMs.toFixed(0)} ms, no-op sync ${summary.noopMs.toFixed(1)} ms (median of ${ROUNDS})\n`,
    );
} finally {
  rmSync(root, { recursive: true, force: true });
}
