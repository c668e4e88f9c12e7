/**
 * Safe benchmark (issue 14): registrations and recoveries per second against
 * one `phonesafe safe` process on this machine, over HTTP on loopback with
 * signed card requests, and the card-side cost per value.
 *
 *   node bench/safe/run.ts [--count 400] [--concurrency 8] [--db postgres://…] [--json]
 *
 * Three figures: (1) protocol level, many cards in parallel: deposits/s and
 * release+confirm/s; (2) the handset's wallet, one card, sequential as the
 * CLI runs it: deposit and recovery per value, end to end (card transaction
 * included); (3) card-side CPU per value without the network: seal + sign,
 * certificate check, signature check + open.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { HandsetAgent } from '@phonesafe/handset';
import { systemClock, type Certificate } from '@phonesafe/protocol';
import {
  b64url,
  cardKeysFromSeed,
  checkCertificate,
  fromB64url,
  makeRecord,
  openRecord,
  SafeClient,
  sha256,
  signingKeyFromSeed,
  signUnder,
} from '@phonesafe/protocol/node';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/src/main.ts');

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const COUNT = Number(args.count);
const CONCURRENCY = Number(args.concurrency);

const TICKET = (i: number) =>
  Buffer.from(
    JSON.stringify({
      class: 'movie-ticket',
      name: `T${i}`,
      unitPrice: 1600,
      qty: 1,
      total: 1600,
      place: 'B',
      validFrom: '2000-04-01',
      validTo: '2000-05-31',
      remaining: 0,
    }),
  );

async function startSafe(dir: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [CLI, 'safe', '--port', '0', '--data', dir, ...(args.db ? ['--db', args.db] : []), '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((ok) => createInterface({ input: child.stdout }).once('line', ok));
  return { url: line.split(' ')[4]!, stop: () => child.kill('SIGTERM') };
}

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
  return (performance.now() - start) / 1000;
}

async function protocolLevel(url: string) {
  const info = await SafeClient.info(url);
  const cards = Array.from({ length: CONCURRENCY }, () => {
    const keys = cardKeysFromSeed(randomBytes(32));
    return { keys, client: new SafeClient({ url, card: keys.sign, audience: info.safeId, clock: systemClock }) };
  });
  const jobs = Array.from({ length: COUNT }, (_, i) => ({
    i,
    card: cards[i % cards.length]!,
    certificate: undefined as Certificate | undefined,
  }));
  const depositSeconds = await pool(jobs, async (job) => {
    const { record } = makeRecord(job.card.keys, {
      audience: info.safeId,
      valueId: randomBytes(16).toString('hex'),
      generation: 1,
      class: 'movie-ticket',
      semantics: 'bearer',
      digest: { class: 'movie-ticket', name: `T${job.i}` },
      owner: null,
      at: new Date(),
      value: TICKET(job.i),
    });
    job.certificate = await job.card.client.deposit({ depositKey: b64url(randomBytes(16)), record });
  });
  const releaseSeconds = await pool(jobs, async (job) => {
    const releaseId = b64url(randomBytes(16));
    await job.card.client.release({ certificate: job.certificate!, releaseId });
    await job.card.client.confirm({ certificate: job.certificate!, releaseId });
  });
  for (const c of cards) await c.client.close();
  return { depositsPerSecond: COUNT / depositSeconds, recoveriesPerSecond: COUNT / releaseSeconds };
}

async function walletLevel(url: string, dir: string) {
  const agent = await HandsetAgent.open(join(dir, 'phone'));
  const wallet = agent.wallet();
  await wallet.setup({ capacity: 4 * 1024 * 1024 });
  await wallet.addSafe(url);
  const n = Math.min(COUNT, 200);
  const pointers: number[] = [];
  for (let i = 0; i < n; i++) pointers.push((await wallet.add(TICKET(i))).pointer);
  let start = performance.now();
  const deposited = await wallet.deposit(pointers, url);
  const depositMs = (performance.now() - start) / n;
  start = performance.now();
  await wallet.recover(deposited.map((d) => d.certificate));
  const recoverMs = (performance.now() - start) / n;
  await agent.close();
  return { values: n, depositMsPerValue: depositMs, recoverMsPerValue: recoverMs };
}

function cardCpu() {
  const card = cardKeysFromSeed(randomBytes(32));
  const safe = signingKeyFromSeed(randomBytes(32));
  const n = 2000;
  const t0 = performance.now();
  const made = Array.from({ length: n }, (_, i) =>
    makeRecord(card, {
      audience: 'sf_bench',
      valueId: randomBytes(16).toString('hex'),
      generation: 1,
      class: 'movie-ticket',
      semantics: 'bearer',
      digest: { class: 'movie-ticket', name: `T${i}` },
      owner: null,
      at: new Date(),
      value: TICKET(i),
    }),
  );
  const t1 = performance.now();
  const bodies = made.map(({ record, header }) => {
    const body = {
      v: 1 as const,
      type: 'phonesafe.certificate' as const,
      safe: { id: 'sf_bench', url: 'http://x' },
      serial: 1,
      hash: header.ct.sha256,
      digest: header.digest,
      class: header.class,
      semantics: header.semantics,
      valueId: header.valueId,
      generation: 1,
      card: card.cardId,
      owner: null,
      record: '',
      registeredAt: new Date().toISOString(),
    };
    body.record = sha256(fromB64url(record.header)).toString('hex');
    const bytes = Buffer.from(JSON.stringify(body));
    return { body, cert: { body: b64url(bytes), sig: b64url(signUnder(safe, 'phonesafe/v1/safe/certificate', bytes)) } };
  });
  const t2 = performance.now();
  made.forEach((m, i) =>
    checkCertificate(bodies[i]!.cert, { safeSignPub: safe.publicRaw, safeId: 'sf_bench', card, record: m.record, header: m.header }),
  );
  const t3 = performance.now();
  made.forEach((m, i) => openRecord(card, m.record, bodies[i]!.body));
  const t4 = performance.now();
  const us = (ms: number) => (ms * 1000) / n;
  return { sealAndSignUs: us(t1 - t0), certificateCheckUs: us(t3 - t2), verifyAndOpenUs: us(t4 - t3) };
}

const dir = mkdtempSync(join(tmpdir(), 'phonesafe-bench-safe-'));
const safe = await startSafe(join(dir, 'safe'));
try {
  const report = {
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version, store: args.db ? 'postgres' : 'sqlite' },
    count: COUNT,
    concurrency: CONCURRENCY,
    protocol: await protocolLevel(safe.url),
    wallet: await walletLevel(safe.url, dir),
    cardCpu: cardCpu(),
  };
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else {
    const f = (n: number) => n.toFixed(1);
    console.log(`one safe (${report.machine.store}), ${COUNT} values, ${CONCURRENCY} cards in parallel:`);
    console.log(
      `  registrations: ${f(report.protocol.depositsPerSecond)}/s   recoveries (release + confirm): ${f(report.protocol.recoveriesPerSecond)}/s`,
    );
    console.log(
      `wallet, one card, sequential (${report.wallet.values} values): deposit ${f(report.wallet.depositMsPerValue)} ms/value, recover ${f(report.wallet.recoverMsPerValue)} ms/value`,
    );
    console.log(
      `card CPU per value: seal+sign ${f(report.cardCpu.sealAndSignUs)} µs, certificate check ${f(report.cardCpu.certificateCheckUs)} µs, verify+open ${f(report.cardCpu.verifyAndOpenUs)} µs`,
    );
  }
} finally {
  safe.stop();
  rmSync(dir, { recursive: true, force: true });
}
