import {
  Id,
  RescueErasedReport,
  RescueRequest,
  RescueRestoreRequest,
  RescueRestoreResponse,
  RescueStatusResponse,
  RescueView,
  SetRescueCodeRequest,
} from '@phonesafe/protocol';
import { z } from 'zod';
import { asHandset } from '../auth/caller.ts';
import type { App } from '@phonesafe/server-kit';
import type { RescueService } from './rescue-service.ts';
import type { RescueTransfer } from './rescue-transfer.ts';

const RescueParams = z.strictObject({ rescueId: Id });

/** rescue.md, Endpoints. The desk's routes are public: the code number in the body is the credential. */
export function rescueRoutes(app: App, desk: RescueService, transfer: RescueTransfer): void {
  const byCode = { auth: 'public' } as const;
  app.post('/v1/rescue/requests', { config: byCode, schema: { body: RescueRequest, response: { 202: RescueView } } }, async (req, reply) =>
    reply.code(202).send(await desk.request(req.body.phone, req.body.code)),
  );
  app.post('/v1/rescue/status', { config: byCode, schema: { body: RescueRequest, response: { 200: RescueStatusResponse } } }, (req) =>
    desk.status(req.body.phone, req.body.code),
  );
  app.post(
    '/v1/rescue/restore',
    { config: byCode, schema: { body: RescueRestoreRequest, response: { 201: RescueRestoreResponse } } },
    async (req, reply) => reply.code(201).send(await desk.restore(req.body)),
  );
  app.put('/v1/rescue/code', { config: { auth: 'owner' }, schema: { body: SetRescueCodeRequest } }, async (req, reply) => {
    await desk.setCode(req.caller.ownerId, req.body.phone, req.body.code);
    return reply.code(204).send();
  });
  app.post(
    '/v1/rescue/:rescueId/erased',
    { config: { auth: 'handset' }, schema: { params: RescueParams, body: RescueErasedReport } },
    async (req, reply) => {
      await transfer.erased(asHandset(req.caller), req.params.rescueId, req.body);
      return reply.code(204).send();
    },
  );
}
