/** What the composition root (app.ts) takes of the schedules and their jobs. */
export { jobCommittedHook, jobFailedHook, jobStartHook } from './job-backup-hooks.ts';
export { jobDisconnects, jobHandlers } from './job-channel.ts';
export { JobService } from './job-service.ts';
export { jobTickSteps } from './job-tick.ts';
export { clearScheduleOnRevoke } from './schedule-revocation.ts';
export { scheduleRoutes } from './schedule-routes.ts';
export { ScheduleService } from './schedule-service.ts';
