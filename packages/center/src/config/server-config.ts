/** The settings of the center process itself: where it listens and keeps its data, its log, its tick and its bodies (its clock: server-kit's clockSection). */
import { z } from 'zod';
import { listenSection, section, setting, type ListenConfig } from '@phonesafe/server-kit';

/** auto: pretty lines for a person when the log goes to a terminal, JSON lines otherwise (a file, the journal, a pipe). */
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/** Where the center listens (server-kit's listen section: data holds the blobs, the SQLite file, the center secret) and its log format. */
export interface ServerConfig extends ListenConfig {
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

export const server = listenSection({
  prefix: 'PHONESAFE',
  port: 8780,
  data: './.phonesafe/center',
  dbFile: 'center.db',
  tlsPairMissing:
    'invalid center configuration: HTTPS needs both --tls-cert and --tls-key (or PHONESAFE_TLS_CERT and PHONESAFE_TLS_KEY); one is missing',
});

export const logFormat = section(
  { logFormat: setting('PHONESAFE_LOG_FORMAT', z.enum(LOG_FORMATS).default('auto')) },
  (c): Pick<ServerConfig, 'logFormat'> => ({ logFormat: c.logFormat }),
);

export const tick = section(
  // Real milliseconds between scheduler ticks; 0 turns the timer off (tests tick by hand).
  { tickMs: setting('PHONESAFE_TICK_MS', z.coerce.number().int().min(0).max(3_600_000).default(1000)) },
  (c): Pick<ProcessConfig, 'tickMs'> => ({ tickMs: c.tickMs }),
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
