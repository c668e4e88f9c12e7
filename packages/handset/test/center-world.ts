/**
 * A real center on loopback (in-process, through `@phonesafe/center`'s public
 * entry) and handsets of one owner enrolled at it: the world of the handset
 * tests that meet a center. Everything is stopped at the end of the test.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadConfig, startCenter, type CenterConfig, type ConfigOverrides, type RunningCenter } from '@phonesafe/center';
import { ManualClock } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';
import { OWNER_EMAIL, OWNER_PASSWORD, tempDir, writeTree } from '@phonesafe/testkit';
import { HandsetAgent, type AgentOptions } from '../src/index.ts';

export interface WorldOptions {
  /** Names the temporary directory (`phonesafe-<label>-…`). */
  label?: string;
  /** Center settings over the defaults (port 0, data in ROOT/center, silent log). */
  center?: ConfigOverrides;
  /** One clock shared by the center and every handset; without it the center runs on real time and each handset has its own ManualClock. */
  clock?: ManualClock;
}

export interface CenterWorld {
  root: string;
  url: string;
  config: CenterConfig;
  center: RunningCenter;
  /** Opens (and closes at the end) a handset in ROOT/<name>, enrolled at the center as OWNER_EMAIL unless `enroll: false`. */
  handset(name: string, options?: AgentOptions & { enroll?: boolean }): Promise<HandsetAgent>;
  /** The owner's pc, logged in (and closed at the end). */
  owner(): Promise<CenterClient>;
  /** Writes `files` into a fresh directory under ROOT and returns it. */
  tree(files: Record<string, string | Uint8Array>): Promise<string>;
}

export async function centerWorld(t: TestContext, options: WorldOptions = {}): Promise<CenterWorld> {
  const root = await tempDir(t, options.label ?? 'center');
  const config = loadConfig({ port: 0, data: join(root, 'center'), logLevel: 'silent', ...options.center }, {});
  const center = await startCenter(config, options.clock ? { clock: options.clock } : {});
  t.after(() => center.close());
  let trees = 0;
  return {
    root,
    url: center.url,
    config,
    center,
    async handset(name, { enroll = true, ...agentOptions } = {}) {
      const agent = await HandsetAgent.open(join(root, name), { clock: options.clock ?? new ManualClock(), ...agentOptions });
      t.after(() => agent.close());
      if (enroll) await agent.enroll({ center: center.url, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name });
      return agent;
    },
    async owner() {
      const session = await loginOwner(new CenterClient({ baseUrl: center.url }), OWNER_EMAIL, OWNER_PASSWORD);
      t.after(() => session.client.close());
      return session.client;
    },
    async tree(files) {
      const dir = join(root, `tree-${++trees}`);
      await writeTree(dir, files);
      return dir;
    },
  };
}
