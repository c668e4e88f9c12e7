/** What the composition root (app.ts) takes of the restore capability. */
export { restoreHookLists } from './restore-hooks.ts';
export { restoreRoutes } from './restore-routes.ts';
export { RestoreService } from './restore-service.ts';
