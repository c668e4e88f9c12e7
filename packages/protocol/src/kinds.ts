/**
 * Data kinds a handset holds (SPEC: 002 [0027], 001 [0043]). The kind of an
 * imported file is decided by its folder first, then its extension, so that
 * an owner's tree sorted into folders keeps its meaning.
 */
export const DATA_KINDS = [
  'contacts',
  'calendar',
  'mail',
  'bookmarks',
  'media',
  'apps',
  'appdata',
  'settings',
  'rights',
  'wallet',
  'other',
] as const;

export type DataKind = (typeof DATA_KINDS)[number];

export function isDataKind(value: string): value is DataKind {
  return (DATA_KINDS as readonly string[]).includes(value);
}

const FOLDER_KINDS: Record<string, DataKind> = {
  contacts: 'contacts',
  calendar: 'calendar',
  mail: 'mail',
  bookmarks: 'bookmarks',
  media: 'media',
  photos: 'media',
  music: 'media',
  videos: 'media',
  apps: 'apps',
  appdata: 'appdata',
  settings: 'settings',
  rights: 'rights',
  wallet: 'wallet',
};

const EXTENSION_KINDS: Record<string, DataKind> = {
  vcf: 'contacts',
  vcard: 'contacts',
  ics: 'calendar',
  ifb: 'calendar',
  eml: 'mail',
  jpg: 'media',
  jpeg: 'media',
  png: 'media',
  gif: 'media',
  heic: 'media',
  webp: 'media',
  bmp: 'media',
  mp3: 'media',
  m4a: 'media',
  aac: 'media',
  wav: 'media',
  ogg: 'media',
  flac: 'media',
  amr: 'media',
  mp4: 'media',
  mov: 'media',
  '3gp': 'media',
  mkv: 'media',
  webm: 'media',
  avi: 'media',
  apk: 'apps',
  jar: 'apps',
  jad: 'apps',
};

/** Kind of a file at a '/'-separated relative path inside an imported tree. */
export function kindOfPath(relativePath: string): DataKind {
  const segments = relativePath.split('/');
  const base = (segments.at(-1) ?? '').toLowerCase();
  if (base === 'bookmarks.html') return 'bookmarks';
  for (const folder of segments.slice(0, -1)) {
    const kind = FOLDER_KINDS[folder.toLowerCase()];
    if (kind) return kind;
  }
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1) : '';
  return EXTENSION_KINDS[ext] ?? 'other';
}

/** Kinds whose content is usually already compressed; compressing them again wastes time. */
export const PRECOMPRESSED_KINDS: ReadonlySet<DataKind> = new Set(['media', 'apps']);
