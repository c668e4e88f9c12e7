/** What the composition root (app.ts) takes of the subscriber DB. */
export { subscriberRoutes } from './subscriber-routes.ts';
export { type AreaStats, SubscriberService } from './subscriber-service.ts';
