/** What the composition root (app.ts) takes of the notices capability. */
export { noticeRoutes } from './notice-routes.ts';
export { NoticeService } from './notice-service.ts';
export { storedNotifier, type Notifier } from './notifier.ts';
export { noticeStorageFull } from './storage-full-notices.ts';
export { mailNotifier } from './mail-notifier.ts';
export { NoticeMailDispatcher } from './notice-mail-dispatcher.ts';
