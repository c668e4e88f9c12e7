import { EnrollHandsetRequest, EnrollHandsetResponse, HandsetList, WhoAmIResponse } from '@phonesafe/protocol';
import type { App } from '../http/zod.ts';
import type { HandsetService } from './handset-service.ts';

export function handsetRoutes(app: App, handsets: HandsetService): void {
  app.post('/v1/handsets', { config: { auth: 'owner' }, schema: { body: EnrollHandsetRequest, response: { 201: EnrollHandsetResponse } } }, async (req, reply) =>
    reply.code(201).send(await handsets.enroll(req.caller.ownerId, req.body)),
  );
  app.get('/v1/handsets', { config: { auth: 'owner' }, schema: { response: { 200: HandsetList } } }, (req) => handsets.list(req.caller.ownerId));
  app.get('/v1/whoami', { config: { auth: 'any' }, schema: { response: { 200: WhoAmIResponse } } }, async (req) => handsets.whoami(req.caller));
}
