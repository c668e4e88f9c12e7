import { HandsetName, PutScheduleRequest, ScheduleView } from '@phonesafe/protocol';
import { z } from 'zod';
import { asHandset } from '../auth/caller.ts';
import type { App } from '@phonesafe/server-kit';
import type { ScheduleService } from './schedule-service.ts';

const HandsetParams = z.strictObject({ name: HandsetName });
const reply = { response: { 200: ScheduleView } };

/**
 * `me` is a static segment, so the router prefers it over `:name`: a handset
 * registers its own triggers there (an owner's handset literally named "me"
 * is reached through the handset, not the owner route).
 */
export function scheduleRoutes(app: App, schedules: ScheduleService): void {
  app.put('/v1/handsets/me/schedule', { config: { auth: 'handset' }, schema: { body: PutScheduleRequest, ...reply } }, (req) =>
    schedules.putOwn(asHandset(req.caller), req.body),
  );
  app.get('/v1/handsets/me/schedule', { config: { auth: 'handset' }, schema: reply }, (req) => schedules.getOwn(asHandset(req.caller)));
  app.put(
    '/v1/handsets/:name/schedule',
    { config: { auth: 'owner' }, schema: { params: HandsetParams, body: PutScheduleRequest, ...reply } },
    (req) => schedules.put(req.caller.ownerId, req.params.name, req.body),
  );
  app.get('/v1/handsets/:name/schedule', { config: { auth: 'owner' }, schema: { params: HandsetParams, ...reply } }, (req) =>
    schedules.get(req.caller.ownerId, req.params.name),
  );
}
