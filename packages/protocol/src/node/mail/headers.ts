/**
 * Reading a raw RFC 5322 message the way the MAC needs it: header fields in
 * order, unfolded, names compared case-insensitively (MTAs and libraries
 * re-case them), and DKIM "relaxed" canonicalisation (RFC 6376 §3.4.2).
 */
export interface HeaderField {
  /** As written. */
  name: string;
  /** Unfolded (line breaks removed), otherwise as written. */
  value: string;
}

export interface RawMessage {
  headers: HeaderField[];
  body: string;
}

/** The most header bytes read; a mail with more is not one of ours. */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Splits headers from body; undefined when the header block is missing, too large or malformed. */
export function parseMessage(raw: Buffer): RawMessage | undefined {
  const text = raw.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  if (!match || match.index > MAX_HEADER_BYTES) return undefined;
  const headerText = text.slice(0, match.index);
  const body = text.slice(match.index + match[0].length);
  const headers: HeaderField[] = [];
  for (const line of headerText.split(/\r?\n/)) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line)) {
      if (!last) return undefined;
      last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1) });
  }
  return { headers, body };
}

/** Every value of a header field, by name, case-insensitively. */
export function headerValues(message: RawMessage, name: string): string[] {
  const wanted = name.toLowerCase();
  return message.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** The one value of a field; undefined when absent or present more than once. */
export function singleHeader(message: RawMessage, name: string): string | undefined {
  const values = headerValues(message, name);
  return values.length === 1 ? values[0] : undefined;
}

/** Relaxed value: runs of space and tab become one space, trimmed. */
export function relaxedValue(value: string): string {
  return value
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** `name:value` in relaxed form. */
export function relaxedField(name: string, value: string): string {
  return `${name.toLowerCase()}:${relaxedValue(value)}`;
}

/** The bare address of a From/To value (`Name <a@b>` or `a@b`), lowercased. */
export function addressOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return (angle ? angle[1]! : value).trim().toLowerCase();
}
