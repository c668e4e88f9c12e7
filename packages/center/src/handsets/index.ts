/** What the composition root (app.ts) takes of the handsets capability. */
export { handsetRevocation } from './handset-revocation.ts';
export { handsetRoutes } from './handset-routes.ts';
export { HandsetService } from './handset-service.ts';
