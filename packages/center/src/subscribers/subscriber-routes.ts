import {
  CreateSubscriberRequest,
  PhoneNumber,
  RegisterTerminalRequest,
  SimReport,
  SubscriberView,
  TerminalId,
  TerminalView,
  UpdateSubscriberRequest,
} from '@phonesafe/protocol';
import { z } from 'zod';
import type { App } from '@phonesafe/server-kit';
import { asHandset } from '../auth/caller.ts';
import type { SubscriberService } from './subscriber-service.ts';

const NumberParams = z.strictObject({ number: PhoneNumber });
const TerminalParams = z.strictObject({ terminalId: TerminalId });

export function subscriberRoutes(app: App, subscribers: SubscriberService): void {
  app.post(
    '/v1/subscribers',
    { config: { auth: 'owner' }, schema: { body: CreateSubscriberRequest, response: { 201: SubscriberView } } },
    async (req, reply) => reply.code(201).send(await subscribers.create(req.caller.ownerId, req.body)),
  );
  app.get(
    '/v1/subscribers/:number',
    { config: { auth: 'owner' }, schema: { params: NumberParams, response: { 200: SubscriberView } } },
    (req) => subscribers.show(req.caller.ownerId, req.params.number),
  );
  app.put(
    '/v1/subscribers/:number',
    { config: { auth: 'owner' }, schema: { params: NumberParams, body: UpdateSubscriberRequest, response: { 200: SubscriberView } } },
    (req) => subscribers.update(req.caller.ownerId, req.params.number, req.body),
  );
  app.put(
    '/v1/sync/terminals/:terminalId',
    { config: { auth: 'handset' }, schema: { params: TerminalParams, body: RegisterTerminalRequest, response: { 200: TerminalView } } },
    (req) => subscribers.registerTerminal(asHandset(req.caller), req.params.terminalId, req.body),
  );
  app.put('/v1/sync/sim', { config: { auth: 'handset' }, schema: { body: SimReport } }, async (req, reply) => {
    await subscribers.reportSim(asHandset(req.caller), req.body);
    return reply.code(204).send();
  });
}
