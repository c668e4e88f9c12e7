import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { ManualClock } from '@phonesafe/protocol';
import { HandsetAgent, type AgentOptions } from '../src/index.ts';
import { IdentityStore } from '../src/identity/identity-store.ts';
import { layoutOf } from '../src/layout.ts';

/**
 * A handset that holds an enrolment without having met a center: enough to
 * make backup copies (they need only the owner's key). The center URL points
 * nowhere unless `center` is given, so anything that talks to it fails with NETWORK.
 */
export async function enrolledOffline(dir: string, options: AgentOptions = {}, center = 'http://127.0.0.1:9'): Promise<HandsetAgent> {
  await mkdir(dir, { recursive: true });
  const identity = {
    center,
    handsetId: 'handset-offline-1',
    name: 'offline',
    credential: 'h1.handset-offline-1.secret',
    owner: 'owner@example.com',
  };
  await new IdentityStore(layoutOf(dir)).save(identity, randomBytes(32));
  return HandsetAgent.open(dir, { clock: new ManualClock(), ...options });
}
