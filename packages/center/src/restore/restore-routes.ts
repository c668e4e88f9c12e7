import {
  Id,
  PendingRestores,
  RestoreComplete,
  RestoreCompleteResponse,
  RestoreFailedReport,
  RestoreList,
  RestoreOrder,
  StartRestoreRequest,
} from '@phonesafe/protocol';
import { z } from 'zod';
import { asHandset } from '../auth/caller.ts';
import type { App } from '@phonesafe/server-kit';
import type { RestoreService } from './restore-service.ts';

const RestoreParams = z.strictObject({ id: Id });

export function restoreRoutes(app: App, restores: RestoreService): void {
  app.post(
    '/v1/restores',
    { config: { auth: 'any' }, schema: { body: StartRestoreRequest, response: { 201: RestoreOrder } } },
    async (req, reply) => reply.code(201).send(await restores.start(req.caller, req.body)),
  );
  app.get('/v1/restores', { config: { auth: 'owner' }, schema: { response: { 200: RestoreList } } }, (req) =>
    restores.list(req.caller.ownerId),
  );
  app.get('/v1/restores/pending', { config: { auth: 'handset' }, schema: { response: { 200: PendingRestores } } }, (req) =>
    restores.pending(asHandset(req.caller).handsetId),
  );
  app.post(
    '/v1/restores/:id/complete',
    { config: { auth: 'any' }, schema: { params: RestoreParams, body: RestoreComplete, response: { 200: RestoreCompleteResponse } } },
    (req) => restores.complete(req.caller, req.params.id, req.body),
  );
  app.post(
    '/v1/restores/:id/failed',
    { config: { auth: 'handset' }, schema: { params: RestoreParams, body: RestoreFailedReport, response: { 200: RestoreOrder } } },
    (req) => restores.failed(asHandset(req.caller), req.params.id, req.body.code),
  );
  app.post(
    '/v1/restores/:id/cancel',
    { config: { auth: 'owner' }, schema: { params: RestoreParams, response: { 200: RestoreOrder } } },
    (req) => restores.cancel(req.caller.ownerId, req.params.id),
  );
}
