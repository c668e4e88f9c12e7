/** What the composition root (app.ts) takes of the backup capability. */
export { backupHookLists } from './backup-hooks.ts';
export { backupRoutes } from './backup-routes.ts';
export { BackupService } from './backup-service.ts';
export { retentionHook } from './forget.ts';
export { partRoutes } from './part-routes.ts';
export { PartService } from './part-service.ts';
export { quotaRoutes } from './quota-routes.ts';
export { Quota } from './quota.ts';
