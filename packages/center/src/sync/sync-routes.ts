import {
  AreaList,
  DownloadResponse,
  EndSessionRequest,
  EndSessionResponse,
  OpenSessionRequest,
  OpenSessionResponse,
  PhoneNumber,
  UploadRequest,
  UploadResponse,
} from '@phonesafe/protocol';
import { z } from 'zod';
import type { App } from '@phonesafe/server-kit';
import { asHandset } from '../auth/caller.ts';
import type { SyncService } from './sync-service.ts';

const SessionParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });
const AfterQuery = z.strictObject({ after: z.coerce.number().int().min(0).default(0) });

export function syncRoutes(app: App, sync: SyncService): void {
  app.post(
    '/v1/sync/sessions',
    { config: { auth: 'handset' }, schema: { body: OpenSessionRequest, response: { 201: OpenSessionResponse } } },
    async (req, reply) => reply.code(201).send(await sync.open(asHandset(req.caller), req.body)),
  );
  app.post(
    '/v1/sync/sessions/:id/changes',
    { config: { auth: 'handset' }, schema: { params: SessionParams, body: UploadRequest, response: { 200: UploadResponse } } },
    (req) => sync.upload(asHandset(req.caller), req.params.id, req.body.changes),
  );
  app.get(
    '/v1/sync/sessions/:id/changes',
    { config: { auth: 'handset' }, schema: { params: SessionParams, querystring: AfterQuery, response: { 200: DownloadResponse } } },
    (req) => sync.download(asHandset(req.caller), req.params.id, req.query.after),
  );
  app.post(
    '/v1/sync/sessions/:id/end',
    { config: { auth: 'handset' }, schema: { params: SessionParams, body: EndSessionRequest, response: { 200: EndSessionResponse } } },
    (req) => sync.end(asHandset(req.caller), req.params.id, req.body.appliedThrough),
  );
  app.get(
    '/v1/subscribers/:number/area',
    { config: { auth: 'owner' }, schema: { params: z.strictObject({ number: PhoneNumber }), response: { 200: AreaList } } },
    (req) => sync.area(req.caller.ownerId, req.params.number),
  );
}
