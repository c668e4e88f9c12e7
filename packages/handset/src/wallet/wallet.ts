/**
 * The wallet (V1–V4, V10): the owner's verbs on the IC card — add, list,
 * show, update, delete values; pin safes; deposit values for certificates
 * and recover them. Built in agent.ts on the card, which it opens on first use.
 */
import { randomBytes } from 'node:crypto';
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import { b64url, fingerprintOf, fromB64url, SafeClient } from '@phonesafe/protocol/node';
import { AuthDevice } from '../authdev/auth-device.ts';
import { Card, type CertificateRow, type Entry, type ValueRow } from '../card/card.ts';
import { CardJournal, type PinnedSafe } from '../card/card-journal.ts';
import { finishReleases, recoverValue, type Recovered } from './recovery.ts';
import { depositCoupled, depositValue, type Deposited } from './registration.ts';
import { depositDivided, recoverDivided, type DividedDeposit } from './divided.ts';
import type { CoupleOrder } from './coupling.ts';
import { linkTo, type SafeLink, type WalletDeps } from './safe-link.ts';
import { parseValue, passes, semanticsOf, titleOf, type ListFilter } from './wallet-values.ts';
import { DEFAULT_SCRYPT_N } from './owner-access.ts';
import { parseCondition, select } from './conditions.ts';
import { AutoStore } from './auto-store.ts';

export interface WalletEntry extends Entry {
  class: string;
  semantics: string;
  validFrom: string | null;
  validTo: string | null;
  generation: number;
  /** For a certificate: the safe and serial. */
  safeId?: string;
  serial?: number;
  /** For a piece of a divided value: its division, its place (from 1) and the number of pieces. */
  division?: string;
  piece?: number;
  pieces?: number;
}

export interface WalletStatus {
  cardId: string;
  capacity: number;
  used: number;
  free: number;
  owner: string | null;
}

export interface WalletOptions {
  clock: Clock;
  /** scrypt cost of the PIN (tests lower it). */
  scryptN?: number;
}

export class Wallet {
  readonly #dir: string;
  readonly #options: WalletOptions;
  #deps: WalletDeps | undefined;

  constructor(cardDir: string, options: WalletOptions) {
    this.#dir = cardDir;
    this.#options = options;
  }

  async #open(): Promise<WalletDeps> {
    if (!this.#deps) {
      const card = await Card.open(this.#dir, this.#options.clock);
      this.#deps = {
        card,
        journal: new CardJournal(card.db, this.#options.clock),
        clock: this.#options.clock,
        scryptN: this.#options.scryptN ?? DEFAULT_SCRYPT_N,
      };
    }
    return this.#deps;
  }

  close(): void {
    this.#deps?.card.close();
    this.#deps = undefined;
  }

  async status(): Promise<WalletStatus> {
    const { card } = await this.#open();
    const meta = card.meta();
    return { cardId: card.keys.cardId, capacity: meta.capacity, used: card.used(), free: card.free(), owner: meta.ownerEmail };
  }

  async setup(options: { capacity?: number; owner?: string }): Promise<WalletStatus> {
    const { card } = await this.#open();
    if (options.capacity !== undefined) card.setCapacity(options.capacity);
    if (options.owner !== undefined) card.setOwner(options.owner, card.meta().ownerSalt ?? b64url(randomBytes(16)));
    return this.status();
  }

  /** Adds a value from its exact JSON bytes; `replacing` makes it the next generation of that value (update = delete + add). */
  async add(bytes: Uint8Array, replacing?: ValueRow): Promise<WalletEntry> {
    const { card } = await this.#open();
    const value = parseValue(bytes);
    const valueId = replacing?.value_id ?? randomBytes(16).toString('hex');
    const generation = replacing ? Math.max(replacing.generation, card.highWater(valueId)) + 1 : 1;
    const pointer = card.addValue(
      {
        value_id: valueId,
        generation,
        class: value.class,
        semantics: semanticsOf(value),
        valid_from: value.validFrom ?? null,
        valid_to: value.validTo ?? null,
        bytes,
        title: titleOf(value),
      },
      replacing ? [replacing.pointer] : [],
    );
    return this.#entryOf(card, card.entry(pointer));
  }

  async update(pointer: number, bytes: Uint8Array): Promise<WalletEntry> {
    const { card } = await this.#open();
    return this.add(bytes, card.value(pointer));
  }

  async list(filter: ListFilter = {}): Promise<WalletEntry[]> {
    const { card, clock } = await this.#open();
    const today = clock.now().toISOString().slice(0, 10);
    return card
      .entries()
      .filter((e) => filter.sign === undefined || e.sign === filter.sign)
      .map((e) => this.#entryOf(card, e))
      .filter((e) => passes(filter, { class: e.class, valid_to: e.validTo }, today));
  }

  /** The values the backup conditions select (V13): any rule (`field=value;…`, conditions.ts), each the AND of its fields. */
  async selected(where: readonly string[]): Promise<number[]> {
    const rules = where.map(parseCondition);
    const { card, clock } = await this.#open();
    const values = card.values().map((v) => ({
      pointer: v.pointer,
      class: v.class,
      size: v.bytes.length,
      validFrom: v.valid_from,
      validTo: v.valid_to,
      heldSince: v.held_since,
    }));
    return select(rules, values, card.free(), clock.now().toISOString().slice(0, 10)).map((v) => v.pointer);
  }

  async show(pointer: number): Promise<{ entry: WalletEntry; value?: unknown; certificate?: unknown }> {
    const { card } = await this.#open();
    const entry = this.#entryOf(card, card.entry(pointer));
    if (entry.sign === 'A') return { entry, value: JSON.parse(Buffer.from(card.value(pointer).bytes).toString('utf8')) };
    return { entry, certificate: JSON.parse(fromB64url(card.certificate(pointer).cert_body).toString('utf8')) };
  }

  /** The exact bytes of a value (what a recovery must give back). */
  async valueBytes(pointer: number): Promise<Buffer> {
    return Buffer.from((await this.#open()).card.value(pointer).bytes);
  }

  async delete(pointer: number): Promise<void> {
    (await this.#open()).card.delete(pointer);
  }

  /**
   * Pins a safe's key: compared with `fingerprint` when given, else trusted on first use. `ca` is the PEM its
   * HTTPS certificate must chain to from now on (given again for a pinned safe, it replaces the old one).
   */
  async addSafe(url: string, fingerprint?: string, ca?: string): Promise<PinnedSafe> {
    const { journal } = await this.#open();
    const info = await SafeClient.info(url, ca);
    const actual = fingerprintOf(fromB64url(info.signPub));
    if (fingerprint !== undefined && fingerprint !== actual)
      throw new PhoneSafeError('SAFE_KEY_MISMATCH', `the safe at ${url} has key ${actual}, not ${fingerprint}`);
    const existing = journal.safeByUrl(url);
    if (existing && existing.sign_pub !== info.signPub)
      throw new PhoneSafeError('SAFE_KEY_MISMATCH', `the safe at ${url} is pinned with another key`);
    if (!existing)
      journal.pin({ safe_id: info.safeId, url, name: info.name, sign_pub: info.signPub, box_pub: info.boxPub, ca: ca ?? null });
    else if (ca !== undefined) journal.setCa(existing.safe_id, ca);
    return journal.safeByUrl(url)!;
  }

  /** The automatic backup and recovery rows on the card (auto-settings.ts). */
  async autoStore(): Promise<AutoStore> {
    return new AutoStore((await this.#open()).card.db);
  }

  async certificateRows(): Promise<CertificateRow[]> {
    return (await this.#open()).card.certificates();
  }

  /** Marks certificates for the next recovery trigger (V16), or unmarks them; NOT_FOUND for an entry that is no certificate. */
  async recall(pointers: readonly number[], on: boolean): Promise<void> {
    (await this.#open()).card.setRecall(pointers, on);
  }

  async safes(): Promise<PinnedSafe[]> {
    return (await this.#open()).journal.safes();
  }

  /**
   * Deposits each value on its own, or (`couple`) all of them as one registration with one certificate (V7).
   * With `authdev` (V12, the folder of an authentication device) the record registers the device's key, and the
   * device pins the safe's key first, so a release needs the device's answer to the safe's challenge.
   */
  async deposit(pointers: number[], url: string, pin?: string, couple?: CoupleOrder, authdev?: string): Promise<Deposited[]> {
    const deps = await this.#withDevice(authdev);
    const safe = deps.journal.safeByUrl(url);
    if (!safe) throw new PhoneSafeError('USAGE', `the safe ${url} is not pinned: run handset safe add ${url} first`);
    return this.#withLink(deps, safe, async (link) => {
      await deps.device?.pinSafe(link.safe.safe_id, link.safe.sign_pub);
      if (couple) return [await depositCoupled(deps, link, pointers, couple, pin)];
      const done: Deposited[] = [];
      for (const pointer of pointers) done.push(await depositValue(deps, link, pointer, pin));
      return done;
    });
  }

  /** V6: divides each value into `count` pieces, piece i registered at urls[i mod urls.length]; one certificate per piece. */
  async depositDivided(pointers: number[], urls: string[], count: number, pin?: string, authdev?: string): Promise<DividedDeposit[]> {
    const deps = await this.#withDevice(authdev);
    const safes = urls.map((url) => {
      const safe = deps.journal.safeByUrl(url);
      if (!safe) throw new PhoneSafeError('USAGE', `the safe ${url} is not pinned: run handset safe add ${url} first`);
      return safe;
    });
    const links: SafeLink[] = [];
    try {
      for (const safe of safes) if (!links.some((l) => l.safe.safe_id === safe.safe_id)) links.push(await linkTo(deps, safe));
      for (const link of links) await deps.device?.pinSafe(link.safe.safe_id, link.safe.sign_pub);
      const ordered = safes.map((s) => links.find((l) => l.safe.safe_id === s.safe_id)!);
      const done: DividedDeposit[] = [];
      for (const pointer of pointers) done.push(await depositDivided(deps, ordered, pointer, count, pin));
      return done;
    } finally {
      for (const link of links) await link.client.close();
    }
  }

  /** Recovers each certificate's value; a piece of a divided value brings the whole value back (once per value). */
  async recover(pointers: number[], pin?: string, authdev?: string): Promise<{ recovered: Recovered[]; finished: number }> {
    const deps = await this.#withDevice(authdev);
    const links = new Map<string, SafeLink>();
    const linkFor = async (safeId: string) =>
      links.get(safeId) ?? links.set(safeId, await linkTo(deps, deps.journal.safe(safeId))).get(safeId)!;
    try {
      const finished = await finishReleases(deps, linkFor);
      const recovered: Recovered[] = [];
      for (const pointer of pointers) {
        if (recovered.some((r) => r.pieces?.includes(pointer))) continue;
        const cert = deps.card.certificate(pointer);
        recovered.push(
          cert.division === null
            ? await recoverValue(deps, await linkFor(cert.safe_id), pointer, pin)
            : await recoverDivided(deps, linkFor, cert, pin),
        );
      }
      return { recovered, finished };
    } finally {
      for (const link of links.values()) await link.client.close();
    }
  }

  /** The card's deps for one command, with the authentication device in `authdev` when given. */
  async #withDevice(authdev: string | undefined): Promise<WalletDeps> {
    const deps = await this.#open();
    return authdev === undefined ? deps : { ...deps, device: await AuthDevice.open(authdev) };
  }

  async #withLink<T>(deps: WalletDeps, safe: PinnedSafe, work: (link: SafeLink) => Promise<T>): Promise<T> {
    const link = await linkTo(deps, safe);
    try {
      return await work(link);
    } finally {
      await link.client.close();
    }
  }

  #entryOf(card: Card, entry: Entry): WalletEntry {
    if (entry.sign === 'A') {
      const v = card.value(entry.pointer);
      return { ...entry, class: v.class, semantics: v.semantics, validFrom: v.valid_from, validTo: v.valid_to, generation: v.generation };
    }
    const c: CertificateRow = card.certificate(entry.pointer);
    return {
      ...entry,
      class: c.class,
      semantics: c.semantics,
      validFrom: c.valid_from,
      validTo: c.valid_to,
      generation: c.generation,
      safeId: c.safe_id,
      serial: c.serial,
      ...(c.division === null ? {} : { division: c.division, piece: c.piece_index! + 1, pieces: c.piece_count! }),
    };
  }
}
