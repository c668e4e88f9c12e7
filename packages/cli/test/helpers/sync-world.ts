/**
 * A SIM sync world for end-to-end tests (sync.md): a real center, the owner
 * at the pc, a subscriber with its user area, one virtual SIM, and N
 * enrolled handsets, each a data directory driven by `phonesafe` processes.
 * `bindAll` registers each handset by moving the SIM through them (R-S2.5).
 */
import { strict as assert } from 'node:assert';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { centerWithOwner, cliJson, OWNER_EMAIL, readTree, writeTree, type CenterWithOwner, type Env } from '@phonesafe/testkit';

export const NUMBER = '+819012345678';
export const PIN = '2468';
export const TERMINAL_PASSWORD = 'terminal secret 1';

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

  private constructor(w: CenterWithOwner, names: string[]) {
    this.w = w;
    this.env = { ...w.env, PHONESAFE_PIN: PIN, PHONESAFE_TERMINAL_PASSWORD: TERMINAL_PASSWORD };
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
    await Promise.all(names.slice(1).map(enroll));
    await cliJson(['pc', 'subscriber', 'create', '--number', NUMBER], world.env);
    await cliJson(['sim', 'create', '--sim', world.sim, '--number', NUMBER], world.env);
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

  /** The owner uses the handset: `files` saved into its memory. */
  async save(name: string, files: Record<string, string>): Promise<void> {
    const src = join(this.w.root, 'src', `${this.#step++}`);
    await writeTree(src, files);
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
    const area = await cliJson<AreaJson>(['pc', 'subscriber', 'area', '--number', NUMBER], this.env);
    return new Map(area.items.filter((i) => !i.deleted).map((i) => [i.path!, i.sha256!]));
  }

  /** The handset's export: path → content. */
  async exportOf(name: string): Promise<Map<string, string>> {
    const out = join(this.w.root, 'exports', `${name}-${this.#step++}`);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await cliJson(['handset', 'export', '--data', this.dir(name), out], this.env);
    return new Map([...(await readTree(out))].map(([k, v]) => [k, v.toString('utf8')]));
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

export async function terminalIdOf(world: SyncWorld, name: string): Promise<string> {
  return (await cliJson<{ terminalId: string }>(['handset', 'sim', 'status', '--data', world.dir(name)], world.env)).terminalId;
}
