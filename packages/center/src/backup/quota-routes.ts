import { QuotaView, SetQuotaLimitRequest } from '@phonesafe/protocol';
import type { App } from '@phonesafe/server-kit';
import type { Quota } from './quota.ts';

/** The owner's view of its quota, and its own lower limit (wire-protocol.md). The operator's quota is set with `center quota`. */
export function quotaRoutes(app: App, quota: Quota): void {
  app.get('/v1/quota', { config: { auth: 'owner' }, schema: { response: { 200: QuotaView } } }, (req) => quota.view(req.caller.ownerId));
  app.put('/v1/quota', { config: { auth: 'owner' }, schema: { body: SetQuotaLimitRequest, response: { 200: QuotaView } } }, (req) =>
    quota.setLimit(req.caller.ownerId, req.body.limitBytes),
  );
}
