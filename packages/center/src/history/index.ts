/** What the composition root (app.ts) takes of the history capability. */
export { historyRoutes } from './history-routes.ts';
export { HistoryService } from './history-service.ts';
