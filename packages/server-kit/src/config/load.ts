/**
 * A server's configuration from its sections (setting.ts): CLI overrides,
 * then the environment variables, then defaults; validated once; every
 * declared secret masked when printed. The server passes the environment in:
 * only its own config module reads `process.env`.
 */
import { PhoneSafeError } from '@phonesafe/protocol';
import { z } from 'zod';
import type { Section, Setting } from './setting.ts';

// The values a section's build takes are its own settings'; the loader only sees them as a record.
type AnySection = Section<Record<string, Setting>, object>;

/** The configuration sections of one server, in the order their settings are validated and their parts appear. */
export class ConfigSections<C> {
  readonly #what: string;
  readonly #sections: readonly AnySection[];
  readonly #settings: Record<string, Setting>;

  /** `what` names the server in errors ("invalid center configuration: …"). */
  constructor(what: string, sections: readonly AnySection[]) {
    this.#what = what;
    this.#sections = sections;
    this.#settings = Object.assign({}, ...sections.map((s) => s.settings)) as Record<string, Setting>;
  }

  /** Overrides win over the environment; an empty value counts as unset. Throws USAGE naming each bad setting and its variable. */
  load(overrides: Partial<Record<string, string | number | undefined>>, env: Readonly<Record<string, string | undefined>>): C {
    const raw: Record<string, unknown> = {};
    for (const [name, { env: envName }] of Object.entries(this.#settings)) {
      const value = overrides[name] ?? env[envName];
      if (value !== undefined && value !== '') raw[name] = value;
    }
    const schema = z.strictObject(Object.fromEntries(Object.entries(this.#settings).map(([name, s]) => [name, s.schema])));
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '');
        return `${this.#source(name, overrides, env)}: ${issue.message}`;
      });
      throw new PhoneSafeError('USAGE', `invalid ${this.#what} configuration: ${problems.join('; ')}`);
    }
    // Each section builds its part from its own values; together, in order, they are the configuration.
    return Object.assign({}, ...this.#sections.map((s) => s.build(parsed.data))) as C;
  }

  /** The configuration as JSON with every declared secret masked; refuses one where a declared secret is missing. */
  print(config: C): string {
    const masked: Record<string, unknown> = { ...(config as object) };
    for (const [name, { mask }] of Object.entries(this.#settings)) {
      if (!mask) continue;
      if (!(name in masked)) throw new Error(`the secret setting ${name} is not in the configuration, so it could not be masked`);
      const value = masked[name];
      if (value !== null && value !== undefined) masked[name] = mask(String(value));
    }
    return JSON.stringify(masked, null, 2);
  }

  /** Every environment variable a setting can come from. */
  variables(): string[] {
    return Object.values(this.#settings).map((s) => s.env);
  }

  /**
   * Where a setting's value came from, in the words the user typed it: the
   * flag (overrides come from the command line, `tlsCert` as `--tls-cert`)
   * or the variable; a missing one is named with its variable.
   */
  #source(
    name: string,
    overrides: Partial<Record<string, string | number | undefined>>,
    env: Readonly<Record<string, string | undefined>>,
  ): string {
    const declared = Object.hasOwn(this.#settings, name) ? this.#settings[name] : undefined;
    if (!declared) return name || 'configuration';
    const given = overrides[name];
    if (given !== undefined && given !== '') return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const fromEnv = env[declared.env];
    if (fromEnv !== undefined && fromEnv !== '') return `${declared.env} (from the environment)`;
    // Given nowhere: the setting and where it can come from.
    return `${name} (${declared.env})`;
  }

  /** The names of the settings declared secret (tests check that none leaks). */
  secrets(): string[] {
    return Object.entries(this.#settings)
      .filter(([, s]) => s.mask)
      .map(([name]) => name);
  }
}
