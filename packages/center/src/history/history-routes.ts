import { HistoryList } from '@phonesafe/protocol';
import type { App } from '@phonesafe/server-kit';
import type { HistoryService } from './history-service.ts';

export function historyRoutes(app: App, history: HistoryService): void {
  app.get('/v1/history', { config: { auth: 'any' }, schema: { response: { 200: HistoryList } } }, (req) => history.list(req.caller));
}
