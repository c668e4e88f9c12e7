import { EnrollHandsetRequest, EnrollHandsetResponse, HandsetList, HandsetName, WhoAmIResponse } from '@phonesafe/protocol';
import { z } from 'zod';
import type { App } from '@phonesafe/server-kit';
import type { HandsetService } from './handset-service.ts';

const HandsetParams = z.strictObject({ name: HandsetName });

export function handsetRoutes(app: App, handsets: Pick<HandsetService<never>, 'enroll' | 'list' | 'revoke' | 'whoami'>): void {
  app.post(
    '/v1/handsets',
    { config: { auth: 'owner' }, schema: { body: EnrollHandsetRequest, response: { 201: EnrollHandsetResponse } } },
    async (req, reply) => reply.code(201).send(await handsets.enroll(req.caller.ownerId, req.body)),
  );
  app.get('/v1/handsets', { config: { auth: 'owner' }, schema: { response: { 200: HandsetList } } }, (req) =>
    handsets.list(req.caller.ownerId),
  );
  app.post('/v1/handsets/:name/revoke', { config: { auth: 'owner' }, schema: { params: HandsetParams } }, async (req, reply) => {
    await handsets.revoke(req.caller.ownerId, req.params.name);
    return reply.code(204).send();
  });
  app.get('/v1/whoami', { config: { auth: 'any' }, schema: { response: { 200: WhoAmIResponse } } }, async (req) =>
    handsets.whoami(req.caller),
  );
}
