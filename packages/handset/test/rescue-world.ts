import type { TestContext } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CenterClient } from '@phonesafe/protocol/node';
import type { WebSocket } from 'ws';
import type { HandsetAgent, EnrollRequest } from '../src/index.ts';
import { EventLog } from './events.ts';
import { OWNER_EMAIL, OWNER_PASSWORD } from '@phonesafe/testkit';
import { RescuePeer } from './rescue-peer.ts';
import { centerWorld } from './center-world.ts';

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
  const w = await centerWorld(t, { label: 'rescue' });
  const peer = await RescuePeer.start(w.url);
  t.after(() => peer.close());
  return {
    root: w.root,
    centerUrl: w.url,
    peer,
    async handset(name, options = {}) {
      const agent = await w.handset(name, { enroll: false });
      const request: EnrollRequest = { center: options.direct ? w.url : peer.url, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name };
      if (options.phone) request.phone = options.phone;
      if (options.code) request.code = options.code;
      await agent.enroll(request);
      return agent;
    },
    async run(agent, connection) {
      const { events, loop } = runLoop(t, agent);
      return { events, socket: await peer.connection(connection), loop };
    },
    owner: () => w.owner(),
    tree: (files) => w.tree(files),
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
