import type { DataKind } from '@phonesafe/protocol';
import type { Targets } from './schema.ts';

/** Folders whose first sub-folder names the application the data belongs to. */
const APP_FOLDERS = new Set(['apps', 'appdata']);

/**
 * B1 / seed 001 [0042] S10: an item is backed up when its kind is listed, OR
 * its extension is, OR it belongs to a listed application (under
 * `apps/<app>/` or `appdata/<app>/`, or the package `apps/<app>.<ext>`), OR
 * its file name contains a keyword. Names compare without regard to case, as
 * owners type "BackUp" and "backup" alike.
 */
export function isTarget(item: { path: string; kind: DataKind }, targets: Targets): boolean {
  if (targets.kinds.includes(item.kind)) return true;
  const segments = item.path.split('/');
  const name = (segments.at(-1) ?? '').toLowerCase();
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1) : '';
  if (extension && targets.extensions.includes(extension)) return true;
  if (targets.apps.length > 0 && targets.apps.some((app) => belongsToApp(segments, app.toLowerCase()))) return true;
  return targets.keywords.some((keyword) => name.includes(keyword.toLowerCase()));
}

function belongsToApp(segments: readonly string[], app: string): boolean {
  const [top, second] = segments.map((s) => s.toLowerCase());
  if (!top || !second || !APP_FOLDERS.has(top)) return false;
  if (segments.length > 2) return second === app;
  // apps/<app>.apk: the application's own package.
  const dot = second.lastIndexOf('.');
  return dot > 0 && second.slice(0, dot) === app;
}

/**
 * The targets in words, e.g. "contacts" or "contacts, media, files ending
 * .pdf, files of the app notes": what a triggered or scheduled backup covers.
 */
export function describeTargets(targets: Targets): string {
  const parts = [
    ...targets.kinds,
    ...(targets.extensions.length > 0 ? [`files ending ${targets.extensions.map((e) => `.${e}`).join(' or ')}`] : []),
    ...(targets.apps.length > 0 ? [`files of the app${targets.apps.length > 1 ? 's' : ''} ${targets.apps.join(', ')}`] : []),
    ...(targets.keywords.length > 0 ? [`files named with ${targets.keywords.map((k) => `'${k}'`).join(' or ')}`] : []),
  ];
  return parts.join(', ');
}
