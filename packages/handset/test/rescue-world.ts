import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadConfig, startCenter } from '@phonesafe/center';
import { ManualClock, PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';
import type { WebSocket } from 'ws';
import { HandsetAgent, type EnrollRequest } from '../src/index.ts';
import { EventLog } from './events.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, tempDir, writeTree } from '@phonesafe/testkit';
import { RescuePeer } from './rescue-peer.ts';

/** A real center, the rescue proxy in front of it, and helpers to make handsets and trees. */
export interface RescueWorld {
  root: string;
  centerUrl: string;
  peer: RescuePeer;
  /** A handset enrolled through the proxy (`direct`: at the center itself, e.g. a replacement). */
  handset(name: string, options?: { direct?: boolean; phone?: string; code?: string }): Promise<HandsetAgent>;
  /**
   * `handset run` against the proxy, stopped at the end of the test; returns
   * its events, its n-th connection and the loop itself (which ends with
   * CREDENTIAL_REVOKED after a reported erase).
   */
  run(agent: HandsetAgent, connection: number): Promise<{ events: EventLog; socket: WebSocket; loop: Promise<void> }>;
  owner(): Promise<CenterClient>;
  /** Writes `files` into a fresh directory and returns it. */
  tree(files: Record<string, string | Uint8Array>): Promise<string>;
}

export async function rescueWorld(t: TestContext): Promise<RescueWorld> {
  const root = await tempDir(t, 'rescue');
  const center = await startCenter(loadConfig({ port: 0, data: join(root, 'center'), logLevel: 'silent' }, {}));
  t.after(() => center.close());
  const peer = await RescuePeer.start(center.url);
  t.after(() => peer.close());
  let trees = 0;
  return {
    root,
    centerUrl: center.url,
    peer,
    async handset(name, options = {}) {
      const agent = await HandsetAgent.open(join(root, name), { clock: new ManualClock() });
      t.after(() => agent.close());
      const request: EnrollRequest = { center: options.direct ? center.url : peer.url, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name };
      if (options.phone) request.phone = options.phone;
      if (options.code) request.code = options.code;
      await agent.enroll(request);
      return agent;
    },
    async run(agent, connection) {
      const { events, loop } = runLoop(t, agent);
      return { events, socket: await peer.connection(connection), loop };
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

/**
 * `handset run` for a test, stopped at its end. The loop ends by itself with
 * CREDENTIAL_REVOKED after a reported erase; that end is expected, any other
 * failure fails the test.
 */
export function runLoop(t: TestContext, agent: HandsetAgent): { events: EventLog; loop: Promise<void> } {
  const events = new EventLog();
  const controller = new AbortController();
  const loop = agent.run({ signal: controller.signal, onEvent: events.sink, reconnect: { initialMs: 20, maxMs: 100 } });
  // Handled at once: a reported erase ends the loop before the test looks.
  const ended = loop.catch((error: unknown) => {
    if (!(error instanceof PhoneSafeError && error.code === 'CREDENTIAL_REVOKED')) throw error;
  });
  t.after(async () => {
    controller.abort();
    await ended;
  });
  return { events, loop };
}
