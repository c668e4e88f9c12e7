/**
 * The SIM sync world of the end-to-end tests (sync.md): a real center, the
 * owner at the pc, a subscriber with its user area, one virtual SIM, and N
 * enrolled handsets, each a data directory driven by `phonesafe` processes.
 * `bindAll` registers each handset by moving the SIM through them (R-S2.5).
 * Also the crafted wire requests the fault tests send past a handset's gate,
 * and the owner's subscriber set-up for in-process worlds (benchmarks).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DATA_KINDS, type DataKind } from '@phonesafe/protocol';
import { CenterClient, loginOwner, newCollectionKey } from '@phonesafe/protocol/node';
import { centerWithOwner, OWNER_EMAIL, type CenterWithOwner } from './owner.ts';
import { cliJson, type Env } from './processes.ts';
import { readTree, treeDigest, writeTree } from './tree.ts';

export const SYNC_NUMBER = '+819012345678';
export const SYNC_PIN = '2468';
export const SYNC_TERMINAL_PASSWORD = 'terminal secret 1';

export interface SyncJson {
  number: string;
  uploaded: string[];
  uploadedDeletions: string[];
  downloaded: string[];
  downloadedDeletions: string[];
  conflicts: Array<{ path: string; copy: string | null; kind: string }>;
  cursor: number;
}
export type Triggered = { ok: true; result: SyncJson } | { ok: false; code: string; detail: string } | null;
export interface AreaJson {
  items: Array<{ guid: string; path: string | null; version: number; seq: number; deleted: boolean; sha256: string | null }>;
}

export class SyncWorld {
  readonly w: CenterWithOwner;
  readonly env: Env;
  readonly sim: string;
  readonly names: string[];
  #step = 0;
  /** Per handset: the digest of its data directory at its last export, and that export. */
  readonly #exported = new Map<string, { digest: string; files: Map<string, string> }>();

  private constructor(w: CenterWithOwner, names: string[]) {
    this.w = w;
    this.env = { ...w.env, PHONESAFE_PIN: SYNC_PIN, PHONESAFE_TERMINAL_PASSWORD: SYNC_TERMINAL_PASSWORD };
    this.sim = join(w.root, 'sim.json');
    this.names = names;
  }

  /** Center, subscriber, SIM and the handsets enrolled with their terminal passwords (not bound yet). */
  static async create(
    t: TestContext,
    names: string[],
    options: { center?: CenterWithOwner; enrollAt?: Record<string, string> } = {},
  ): Promise<SyncWorld> {
    const world = new SyncWorld(options.center ?? (await centerWithOwner(t, OWNER_EMAIL)), names);
    const enroll = async (name: string) => {
      const url = options.enrollAt?.[name] ?? world.w.center.url;
      await cliJson(['handset', 'enroll', '--center', url, '--owner', OWNER_EMAIL, '--name', name, '--data', world.dir(name)], world.env);
      await cliJson(['handset', 'password', 'set', '--data', world.dir(name)], world.env);
    };
    // The first enrolment registers the owner.
    await enroll(names[0]!);
    await Promise.all([
      ...names.slice(1).map(enroll),
      cliJson(['pc', 'subscriber', 'create', '--number', SYNC_NUMBER], world.env),
      cliJson(['sim', 'create', '--sim', world.sim, '--number', SYNC_NUMBER], world.env),
    ]);
    return world;
  }

  dir(name: string): string {
    return join(this.w.root, 'handsets', name);
  }

  /** FIG 8 + FIG 10-A on every handset in turn: insert, bind, remove without syncing. */
  async bindAll(names: string[] = this.names, extra: string[] = []): Promise<void> {
    for (const name of names) {
      await this.insert(name);
      await cliJson(['handset', 'bind', '--data', this.dir(name), ...extra], this.env);
      await this.remove(name, ['--no-sync']);
    }
  }

  async insert(name: string, env: Env = this.env): Promise<Triggered> {
    const out = await cliJson<{ sync: Triggered }>(['handset', 'sim', 'insert', '--sim', this.sim, '--data', this.dir(name)], env);
    return out.sync;
  }

  async remove(name: string, extra: string[] = []): Promise<Triggered> {
    const out = await cliJson<{ sync: Triggered }>(
      ['handset', 'sim', 'remove', '--to', this.sim, '--data', this.dir(name), ...extra],
      this.env,
    );
    return out.sync;
  }

  /** The owner uses the handset: `files` saved into its memory, changed at `times[path]` (else now). */
  async save(name: string, files: Record<string, string>, times: Record<string, Date> = {}): Promise<void> {
    const src = join(this.w.root, 'src', `${this.#step++}`);
    await writeTree(src, files);
    for (const [path, time] of Object.entries(times)) await utimes(join(src, path), time, time);
    await cliJson(['handset', 'import', '--data', this.dir(name), src], this.env);
  }

  async delete(name: string, path: string): Promise<void> {
    await cliJson(['handset', 'delete', '--data', this.dir(name), path], this.env);
  }

  async sync(name: string, extra: string[] = []): Promise<SyncJson> {
    return cliJson<SyncJson>(['handset', 'sync', '--data', this.dir(name), ...extra], this.env);
  }

  /** The user area as the owner opens it: path → sha256 of the live items. */
  async area(): Promise<Map<string, string>> {
    const area = await cliJson<AreaJson>(['pc', 'subscriber', 'area', '--number', SYNC_NUMBER], this.env);
    return new Map(area.items.filter((i) => !i.deleted).map((i) => [i.path!, i.sha256!]));
  }

  /**
   * The handset's export: path → content. An export is a function of the
   * data directory's bytes: when they are exactly those of the last export
   * (no process touched the handset since), that export is the answer and no
   * process is started; any changed byte exports again.
   */
  async exportOf(name: string): Promise<Map<string, string>> {
    const digest = JSON.stringify(await treeDigest(this.dir(name)));
    const last = this.#exported.get(name);
    if (last?.digest === digest) return new Map(last.files);
    const out = join(this.w.root, 'exports', `${name}-${this.#step++}`);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await cliJson(['handset', 'export', '--data', this.dir(name), out], this.env);
    const files = new Map([...(await readTree(out))].map(([k, v]) => [k, v.toString('utf8')]));
    this.#exported.set(name, { digest: JSON.stringify(await treeDigest(this.dir(name))), files });
    return new Map(files);
  }

  async terminalIdOf(name: string): Promise<string> {
    return (await cliJson<{ terminalId: string }>(['handset', 'sim', 'status', '--data', this.dir(name)], this.env)).terminalId;
  }

  /** A session opened as handset `name` would, with its own credential but past its gate (a crafted request). */
  async openSessionAs(name: string, direction: 'up' | 'down' | 'both', extra: Record<string, unknown> = {}) {
    const body = { number: SYNC_NUMBER, terminalId: await this.terminalIdOf(name), reason: 'manual', direction, ...extra };
    return asHandset(this.dir(name), 'POST', '/v1/sync/sessions', body);
  }
}

/** The sync result a trigger must have produced. */
export function ran(sync: Triggered, what: string): SyncJson {
  assert.ok(sync && sync.ok, `${what}: the triggered sync ran (${sync && !sync.ok ? `${sync.code}: ${sync.detail}` : 'no sync'})`);
  return sync.result;
}

export function sorted(paths: readonly string[]): string[] {
  return [...paths].sort();
}

/** A request as a handset would send it, with that handset's own credential (a crafted one, past the handset's gate). */
export async function asHandset(
  dir: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const identity = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8')) as { center: string; credential: string };
  const res = await fetch(`${identity.center}${path}`, {
    method,
    headers: { authorization: `Bearer ${identity.credential}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** A new item's put as a handset would upload it, with random guid and tag; the sealed parts are `header` and `body` (base64). */
export function craftedPut(kind: string, header = 'AAAA', body = 'AAAA') {
  return {
    guid: randomBytes(16).toString('hex'),
    op: 'put',
    kind,
    baseVersion: 0,
    tag: randomBytes(16).toString('hex'),
    modifiedAt: new Date(0).toISOString(),
    header,
    body,
  };
}

/**
 * The owner at the pc makes the subscriber `number` with a fresh collection
 * key per kind (what `pc subscriber create` does), for worlds without a pc
 * process (in-process benchmarks and handset tests).
 */
export async function createSubscriberAsOwner(center: string, owner: string, password: string, number: string): Promise<void> {
  const session = await loginOwner(new CenterClient({ baseUrl: center }), owner, password);
  try {
    const keys: Partial<Record<DataKind, string>> = {};
    for (const kind of DATA_KINDS) keys[kind] = session.keys.wrapCollectionKey(number, kind, newCollectionKey());
    await session.client.sync().createSubscriber({ number, keys });
  } finally {
    await session.client.close();
  }
}
