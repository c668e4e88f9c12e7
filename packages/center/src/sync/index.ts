/** What the composition root (app.ts) takes of the sync server. */
export { syncRoutes } from './sync-routes.ts';
export { SyncService } from './sync-service.ts';
