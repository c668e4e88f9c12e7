/**
 * How a setting of the center is declared: its environment variable and its
 * zod schema side by side, and, for a secret, the mask `--print-config`
 * shows instead of its value. Sections group the settings of one concern
 * and build that concern's part of the configuration (config.ts composes
 * them).
 */
import type { z } from 'zod';

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** The PHONESAFE_* variable that can supply it. */
  readonly env: string;
  readonly schema: S;
  /** Set for a secret: what is printed instead of its value. */
  readonly mask?: (value: string) => string;
}

export function setting<S extends z.ZodType>(env: string, schema: S): Setting<S> {
  return { env, schema };
}

/**
 * Declares a setting secret: `printConfig` masks it, whatever it is called.
 * A secret keeps its setting's name in the configuration, at the top level
 * (printConfig refuses to print a configuration where it is missing).
 */
export function secret<S extends z.ZodType>(declared: Setting<S>, mask: (value: string) => string = () => '***'): Setting<S> {
  return { ...declared, mask };
}

type Settings = Record<string, Setting>;
export type SettingValues<T extends Settings> = { [K in keyof T]: z.output<T[K]['schema']> };

export interface Section<T extends Settings, O> {
  readonly settings: T;
  /** This section's part of the configuration, from its validated values. */
  build(values: SettingValues<T>): O;
}

export function section<T extends Settings, O>(settings: T, build: (values: SettingValues<T>) => O): Section<T, O> {
  return { settings, build };
}

/** A URL's password (user-info or `password=` parameter) as `***`. */
export function maskUrlPassword(url: string): string {
  // A regex rather than URL parsing: it also masks a URL that does not parse, e.g. a password with a raw '@'.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^/]*@/i, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
