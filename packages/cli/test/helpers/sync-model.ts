/**
 * What FIG 16 ([0058]-[0067]) says must happen, as a model the end-to-end
 * tests replay beside the real processes: the user area with its sequence
 * numbers and origins, each terminal's cursor, what each handset holds and
 * what it last reflected. A session uploads what differs from the last
 * reflected state, and downloads what changed after its cursor (up to the
 * session's snapshot) by another terminal.
 */
import { createHash } from 'node:crypto';

interface AreaEntry {
  content: string | null;
  seq: number;
  origin: string;
}

export interface Transfer {
  up: string[];
  down: string[];
}

export class SyncModel {
  readonly #area = new Map<string, AreaEntry>();
  #seq = 0;
  readonly #cursor = new Map<string, number>();
  readonly #memory = new Map<string, Map<string, string>>();
  readonly #reflected = new Map<string, Map<string, string>>();

  constructor(names: readonly string[]) {
    for (const name of names) {
      this.#memory.set(name, new Map());
      this.#reflected.set(name, new Map());
      this.#cursor.set(name, 0);
    }
  }

  save(name: string, files: Record<string, string>): void {
    for (const [path, content] of Object.entries(files)) this.#memory.get(name)!.set(path, content);
  }

  delete(name: string, path: string): void {
    this.#memory.get(name)!.delete(path);
  }

  /** A session: `up` and/or `down`; answers the paths that crossed the wire each way, sorted. */
  session(name: string, direction: 'both' | 'up' | 'down'): Transfer {
    const snapshot = this.#seq;
    const up = direction === 'down' ? [] : this.#upload(name);
    const down = direction === 'up' ? [] : this.#download(name, snapshot);
    return { up: up.sort(), down: down.sort() };
  }

  memory(name: string): Map<string, string> {
    return new Map(this.#memory.get(name)!);
  }

  /** Live items of the area: path → SHA-256 of the content. */
  area(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [path, entry] of this.#area) if (entry.content !== null) out.set(path, sha256(entry.content));
    return out;
  }

  #upload(name: string): string[] {
    const memory = this.#memory.get(name)!;
    const reflected = this.#reflected.get(name)!;
    const sent: string[] = [];
    for (const [path, content] of memory) {
      if (reflected.get(path) === content) continue;
      this.#area.set(path, { content, seq: ++this.#seq, origin: name });
      reflected.set(path, content);
      sent.push(path);
    }
    for (const path of [...reflected.keys()]) {
      if (memory.has(path)) continue;
      this.#area.set(path, { content: null, seq: ++this.#seq, origin: name });
      reflected.delete(path);
      sent.push(path);
    }
    return sent;
  }

  #download(name: string, snapshot: number): string[] {
    const cursor = this.#cursor.get(name)!;
    const memory = this.#memory.get(name)!;
    const reflected = this.#reflected.get(name)!;
    const got: string[] = [];
    for (const [path, entry] of this.#area) {
      if (entry.seq <= cursor || entry.seq > snapshot || entry.origin === name) continue;
      if (entry.content === null) {
        if (!reflected.has(path)) continue;
        memory.delete(path);
        reflected.delete(path);
      } else {
        memory.set(path, entry.content);
        reflected.set(path, entry.content);
      }
      got.push(path);
    }
    this.#cursor.set(name, snapshot);
    return got;
  }
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
