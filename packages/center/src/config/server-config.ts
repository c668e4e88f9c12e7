/** The settings of the center process itself: where it listens and keeps its data, its log, its clock, its tick and its bodies. */
import { resolve } from 'node:path';
import { CLOCK_SPEC, PhoneSafeError } from '@phonesafe/protocol';
import { z } from 'zod';
import { maskUrlPassword, secret, section, setting } from '@phonesafe/server-kit';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** auto: pretty lines for a person when the log goes to a terminal, JSON lines otherwise (a file, the journal, a pipe). */
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

export interface ServerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Absolute path of the data directory (blobs, SQLite file, center secret). */
  data: string;
  /** Database URL: `sqlite:<path>` or `postgres://…`. */
  db: string;
  /** PEM file paths; HTTPS when set. */
  tls: { cert: string; key: string } | null;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: (typeof LOG_FORMATS)[number];
}

export interface ProcessConfig {
  /** Real milliseconds between scheduler ticks; 0: no timer. */
  tickMs: number;
  /** PHONESAFE_CLOCK (`scaled:<originMs>:<factor>`), for accelerated demos; null: the system clock. */
  clock: string | null;
  /** How many large request bodies are read at once, and how many requests may wait for that. */
  bodies: { reading: number; waiting: number };
}

export const server = section(
  {
    port: setting('PHONESAFE_PORT', z.coerce.number().int().min(0).max(65_535).default(8780)),
    host: setting('PHONESAFE_HOST', z.string().min(1).default('127.0.0.1')),
    data: setting('PHONESAFE_DATA', z.string().min(1).default('./.phonesafe/center')),
    // The URL may carry the database password.
    db: secret(
      setting(
        'PHONESAFE_DB',
        z
          .string()
          .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'a database URL starts with sqlite: or postgres://')
          .optional(),
      ),
      maskUrlPassword,
    ),
    tlsCert: setting('PHONESAFE_TLS_CERT', z.string().min(1).optional()),
    tlsKey: setting('PHONESAFE_TLS_KEY', z.string().min(1).optional()),
    logLevel: setting('PHONESAFE_LOG_LEVEL', z.enum(LOG_LEVELS).default('info')),
    logFormat: setting('PHONESAFE_LOG_FORMAT', z.enum(LOG_FORMATS).default('auto')),
  },
  (c): ServerConfig => {
    if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
      throw new PhoneSafeError(
        'USAGE',
        'invalid center configuration: HTTPS needs both --tls-cert and --tls-key (or PHONESAFE_TLS_CERT and PHONESAFE_TLS_KEY); one is missing',
      );
    }
    const data = resolve(c.data);
    return {
      host: c.host,
      port: c.port,
      data,
      db: c.db ?? `sqlite:${resolve(data, 'center.db')}`,
      tls: c.tlsCert && c.tlsKey ? { cert: resolve(c.tlsCert), key: resolve(c.tlsKey) } : null,
      logLevel: c.logLevel,
      logFormat: c.logFormat,
    };
  },
);

export const tick = section(
  // Real milliseconds between scheduler ticks; 0 turns the timer off (tests tick by hand).
  { tickMs: setting('PHONESAFE_TICK_MS', z.coerce.number().int().min(0).max(3_600_000).default(1000)) },
  (c): Pick<ProcessConfig, 'tickMs'> => ({ tickMs: c.tickMs }),
);

export const clock = section(
  {
    clock: setting('PHONESAFE_CLOCK', z.string().regex(CLOCK_SPEC, 'scaled:<originMs>:<factor> or file:<path>').optional()),
  },
  (c): Pick<ProcessConfig, 'clock'> => ({
    clock: c.clock ?? null,
  }),
);

export const bodies = section(
  // Large bodies read at once, and requests that may wait for that (http/body-gate.ts).
  {
    bodyReads: setting('PHONESAFE_BODY_READS', z.coerce.number().int().min(1).max(1000).default(8)),
    bodyQueue: setting('PHONESAFE_BODY_QUEUE', z.coerce.number().int().min(0).max(100_000).default(4096)),
  },
  (c): Pick<ProcessConfig, 'bodies'> => ({
    bodies: { reading: c.bodyReads, waiting: c.bodyQueue },
  }),
);
