import {
  BackupDetail,
  BackupList,
  BackupListQuery,
  BackupSummary,
  CompletionNotice,
  EndNotice,
  ForgetRequest,
  ForgetResponse,
  Id,
  KeepRequest,
  StartBackupRequest,
  StartBackupResponse,
} from '@phonesafe/protocol';
import { z } from 'zod';
import { asHandset } from '../auth/caller.ts';
import type { App } from '@phonesafe/server-kit';
import type { BackupService } from './backup-service.ts';

const BackupParams = z.strictObject({ id: Id });

export function backupRoutes(app: App, backups: BackupService): void {
  app.post(
    '/v1/backups',
    { config: { auth: 'handset' }, schema: { body: StartBackupRequest, response: { 201: StartBackupResponse } } },
    async (req, reply) => reply.code(201).send(await backups.start(asHandset(req.caller), req.body)),
  );
  app.post(
    '/v1/backups/:id/end',
    { config: { auth: 'handset' }, schema: { params: BackupParams, body: EndNotice, response: { 200: CompletionNotice } } },
    (req) => backups.end(asHandset(req.caller), req.params.id, req.body),
  );
  app.get('/v1/backups', { config: { auth: 'any' }, schema: { querystring: BackupListQuery, response: { 200: BackupList } } }, (req) =>
    backups.list(req.caller, req.query.handset),
  );
  app.get('/v1/backups/:id', { config: { auth: 'any' }, schema: { params: BackupParams, response: { 200: BackupDetail } } }, (req) =>
    backups.detail(req.caller, req.params.id),
  );
  app.put(
    '/v1/backups/:id/keep',
    { config: { auth: 'owner' }, schema: { params: BackupParams, body: KeepRequest, response: { 200: BackupSummary } } },
    (req) => backups.keep(req.caller.ownerId, req.params.id, req.body.keep),
  );
  app.post('/v1/backups/forget', { config: { auth: 'owner' }, schema: { body: ForgetRequest, response: { 200: ForgetResponse } } }, (req) =>
    backups.forget(req.caller.ownerId, req.body),
  );
  app.delete('/v1/backups/:id', { config: { auth: 'owner' }, schema: { params: BackupParams } }, async (req, reply) => {
    await backups.remove(req.caller.ownerId, req.params.id);
    return reply.code(204).send();
  });
}
