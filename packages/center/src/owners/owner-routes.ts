import {
  ChangePasswordRequest,
  ChangePasswordResponse,
  LoginRequest,
  LoginResponse,
  OpenRecoveryRequest,
  OpenRecoveryResponse,
  RecoverRequest,
  SetRecoveryRequest,
  PreloginRequest,
  PreloginResponse,
  RegisterOwnerRequest,
  RegisterOwnerResponse,
} from '@phonesafe/protocol';
import { asOwnerSession } from '../auth/caller.ts';
import type { App } from '@phonesafe/server-kit';
import type { OwnerService } from './owner-service.ts';

export function ownerRoutes(app: App, owners: OwnerService): void {
  const open = { auth: 'public' } as const;
  const owner = { auth: 'owner' } as const;
  app.post('/v1/owners/prelogin', { config: open, schema: { body: PreloginRequest, response: { 200: PreloginResponse } } }, (req) =>
    owners.prelogin(req.body.email),
  );
  app.post(
    '/v1/owners',
    { config: open, schema: { body: RegisterOwnerRequest, response: { 201: RegisterOwnerResponse } } },
    async (req, reply) => reply.code(201).send(await owners.register(req.body)),
  );
  app.post('/v1/owners/login', { config: open, schema: { body: LoginRequest, response: { 200: LoginResponse } } }, (req) =>
    owners.login(req.body.email, req.body.authKey),
  );
  app.post('/v1/owners/logout', { config: owner }, async (req, reply) => {
    await owners.logout(asOwnerSession(req.caller));
    return reply.code(204).send();
  });
  app.put(
    '/v1/owners/password',
    { config: owner, schema: { body: ChangePasswordRequest, response: { 200: ChangePasswordResponse } } },
    (req) => owners.changePassword(asOwnerSession(req.caller), req.body),
  );
  app.put('/v1/owners/recovery', { config: owner, schema: { body: SetRecoveryRequest } }, async (req, reply) => {
    await owners.setRecovery(asOwnerSession(req.caller), req.body);
    return reply.code(204).send();
  });
  app.post(
    '/v1/owners/recovery/open',
    { config: open, schema: { body: OpenRecoveryRequest, response: { 200: OpenRecoveryResponse } } },
    (req) => owners.openRecovery(req.body.email, req.body.recoveryAuthKey),
  );
  app.post('/v1/owners/recover', { config: open, schema: { body: RecoverRequest, response: { 200: ChangePasswordResponse } } }, (req) =>
    owners.recover(req.body),
  );
}
