/**
 * The settings every PhoneSafe server shares, declared once: where it listens
 * (host, port, HTTPS certificate and key), where it keeps its data and its
 * database, its log level, and its clock. Each server passes its own variable
 * prefix and defaults, so the center reads PHONESAFE_PORT and a safe
 * PHONESAFE_SAFE_PORT from the same declaration. The database URL may carry a
 * password: it is a declared secret here, so every server's printed
 * configuration masks it.
 */
import { resolve } from 'node:path';
import { CLOCK_SPEC, PhoneSafeError } from '@phonesafe/protocol';
import { z } from 'zod';
import { maskUrlPassword, secret, section, setting } from './setting.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ListenConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Absolute path of the data directory. */
  data: string;
  /** Database URL: `sqlite:<path>` or `postgres://…`. */
  db: string;
  /** Absolute PEM file paths; HTTPS when set. */
  tls: { cert: string; key: string } | null;
  logLevel: (typeof LOG_LEVELS)[number];
}

export interface ListenDefaults {
  /** The variables' prefix: `PHONESAFE` gives PHONESAFE_PORT, PHONESAFE_HOST, …. */
  prefix: string;
  port: number;
  /** The data directory when none is given (resolved against the working directory). */
  data: string;
  /** The SQLite file inside the data directory when no database URL is given. */
  dbFile: string;
  /** The USAGE message when only one of the certificate and the key is given. */
  tlsPairMissing: string;
}

/** The listen section (settings port, host, data, db, tlsCert, tlsKey, logLevel, in that order). */
export function listenSection(d: ListenDefaults) {
  return section(
    {
      port: setting(`${d.prefix}_PORT`, z.coerce.number().int().min(0).max(65_535).default(d.port)),
      host: setting(`${d.prefix}_HOST`, z.string().min(1).default('127.0.0.1')),
      data: setting(`${d.prefix}_DATA`, z.string().min(1).default(d.data)),
      db: secret(
        setting(
          `${d.prefix}_DB`,
          z
            .string()
            .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'a database URL starts with sqlite: or postgres://')
            .optional(),
        ),
        maskUrlPassword,
      ),
      tlsCert: setting(`${d.prefix}_TLS_CERT`, z.string().min(1).optional()),
      tlsKey: setting(`${d.prefix}_TLS_KEY`, z.string().min(1).optional()),
      logLevel: setting(`${d.prefix}_LOG_LEVEL`, z.enum(LOG_LEVELS).default('info')),
    },
    (c): ListenConfig => {
      if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) throw new PhoneSafeError('USAGE', d.tlsPairMissing);
      const data = resolve(c.data);
      return {
        host: c.host,
        port: c.port,
        data,
        db: c.db ?? `sqlite:${resolve(data, d.dbFile)}`,
        tls: c.tlsCert && c.tlsKey ? { cert: resolve(c.tlsCert), key: resolve(c.tlsKey) } : null,
        logLevel: c.logLevel,
      };
    },
  );
}

/** PHONESAFE_CLOCK (`scaled:<originMs>:<factor>` or `file:<path>`), for accelerated demos and tests; null: the system clock. */
export const clockSection = section(
  {
    clock: setting('PHONESAFE_CLOCK', z.string().regex(CLOCK_SPEC, 'scaled:<originMs>:<factor> or file:<path>').optional()),
  },
  (c): { clock: string | null } => ({ clock: c.clock ?? null }),
);
