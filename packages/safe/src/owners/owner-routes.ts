/** Owner registration for owner authentication (V10), signed by the registering card. */
import { OwnerRegister, OwnerRegistered } from '@phonesafe/protocol';
import type { App } from '@phonesafe/server-kit';
import type { OwnerService } from './owner-service.ts';

export function ownerRoutes(app: App, owners: OwnerService): void {
  app.post(
    '/v1/owners',
    { config: { auth: 'card' }, schema: { body: OwnerRegister, response: { 201: OwnerRegistered } } },
    async (req, reply) => reply.code(201).send(await owners.register(req.body)),
  );
}
