/** What the composition root (app.ts) takes of the owners capability. */
export { ownerRoutes } from './owner-routes.ts';
export { OwnerService } from './owner-service.ts';
