/**
 * The one place that writes a command's result. With --json, stdout gets
 * exactly one JSON document (so `phonesafe ... --json | jq` always works);
 * otherwise concise human lines. Progress and prompts go to stderr.
 */
export class Output {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;

  constructor(json: boolean, stdout: NodeJS.WritableStream = process.stdout) {
    this.json = json;
    this.#stdout = stdout;
  }

  /** Prints the result: `data` as JSON, or the lines `human` makes from it. */
  result<T>(data: T, human: (data: T) => string | readonly string[]): void {
    if (this.json) {
      this.#stdout.write(JSON.stringify(data) + '\n');
      return;
    }
    const text = human(data);
    const lines = typeof text === 'string' ? [text] : text;
    if (lines.length > 0) this.#stdout.write(lines.join('\n') + '\n');
  }

  /** A side remark for people (never on stdout, so --json stays one document). */
  note(line: string): void {
    process.stderr.write(`phonesafe: ${line}\n`);
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB", like restic. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** "2026-01-02T03:04:05.678Z" → "2026-01-02 03:04:05" (UTC, as stored). */
export function humanTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** Left-aligned columns (right-aligned where `right` says), two spaces apart. */
export function columns(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  '),
  );
}

/** At most `limit` items, then "… and N more", so a long list does not flood the terminal. */
export function capped(items: readonly string[], limit = 20): string[] {
  if (items.length <= limit) return [...items];
  return [...items.slice(0, limit), `… and ${items.length - limit} more`];
}
