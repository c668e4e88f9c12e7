import { QuotaView } from '@phonesafe/protocol';
import type { PcSession } from './session.ts';

/** What the owner stores, the quota the center enforces, the operator's quota and the owner's own limit. */
export function getQuota(session: PcSession): Promise<QuotaView> {
  return session.owner.client.http.json(QuotaView, { method: 'GET', path: '/v1/quota' });
}

/** Sets (or with null removes) the owner's own limit; it can lower the operator's quota, never raise it. */
export function setQuotaLimit(session: PcSession, limitBytes: number | null): Promise<QuotaView> {
  return session.owner.client.http.json(QuotaView, { method: 'PUT', path: '/v1/quota', json: { limitBytes } });
}
