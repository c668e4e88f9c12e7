import { NoticeList } from '@phonesafe/protocol';
import type { App } from '@phonesafe/server-kit';
import type { NoticeService } from './notice-service.ts';

export function noticeRoutes(app: App, notices: NoticeService): void {
  app.get('/v1/notices', { config: { auth: 'any' }, schema: { response: { 200: NoticeList } } }, (req) => notices.list(req.caller));
}
