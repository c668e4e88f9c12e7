import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import { clockFromSpec, type HttpTimeouts } from '@phonesafe/protocol/node';
import { z } from 'zod';

/**
 * The CLI's one reader of the environment: `main` makes one CliEnv
 * (processEnv) and hands it down, and nothing else in the CLI reads
 * `process.env` (the center reads its own settings in its config module;
 * the handset and pc libraries read none and take what they need as
 * arguments).
 *
 * Every variable is declared below, once, with its zod schema and whether
 * it is a secret. A variable is validated the first time a verb needs it
 * and then kept: a verb that does not use a variable is never refused
 * because of it (a bad PHONESAFE_HTTP_TIMEOUT_SECONDS does not stop
 * `center --print-config`). An empty value counts as unset.
 *
 * Secrets (passwords, the rescue code number) are never printed: `describe`
 * masks them, and so do JSON.stringify and util.inspect of a CliEnv.
 */
const VARIABLES = {
  /** The owner's password, for scripts and tests; else asked on the terminal (password.ts). */
  PHONESAFE_PASSWORD: { secret: true },
  /** `pc passwd`'s new password; else asked twice on the terminal. */
  PHONESAFE_NEW_PASSWORD: { secret: true },
  /** The rescue desk code number; else `--code` or the terminal. */
  PHONESAFE_RESCUE_CODE: { secret: true },
  /** The wallet PIN for owner authentication at safes; else asked on the terminal. */
  PHONESAFE_WALLET_PIN: { secret: true },
  /** scrypt cost N of the wallet PIN (a power of two; tests lower it). */
  PHONESAFE_WALLET_SCRYPT_N: { secret: false },
  /** `pc recover`'s recovery key; else `--recovery-key-file` or the terminal. */
  PHONESAFE_RECOVERY_KEY: { secret: true },
  /** Backup by mail: the pc's mailbox password; else asked on the terminal. Never stored. */
  PHONESAFE_PC_MAIL_PASSWORD: { secret: true },
  /** Backup by mail: the handset's mailbox password; else asked on the terminal. Never stored. */
  PHONESAFE_MAIL_PASSWORD: { secret: true },
  /** `handset mail-pair`: the pairing code `pc mail-pair` showed; else `--code-file` or the terminal. */
  PHONESAFE_MAIL_PAIRING_CODE: { secret: true },
  /** The SIM's PIN (sim create, sim insert, handset bind, syncs in FIG 9 mode). */
  PHONESAFE_PIN: { secret: true },
  /** The SIM's PUK (sim create --puk, sim unblock). */
  PHONESAFE_PUK: { secret: true },
  /** The terminal password (handset password set, bind, syncs that ask for it). */
  PHONESAFE_TERMINAL_PASSWORD: { secret: true },
  /** `scaled:<originMs>:<factor>`: several processes with one value agree on a virtual "now" (demos and tests). */
  PHONESAFE_CLOCK: { secret: false },
  /** No byte moving on a request this long (seconds, default 120). */
  PHONESAFE_HTTP_TIMEOUT_SECONDS: { secret: false },
  /** TCP connect and TLS handshake (seconds, default 30). */
  PHONESAFE_HTTP_CONNECT_TIMEOUT_SECONDS: { secret: false },
  /** `1`: a failure prints its stack trace after the error line. */
  PHONESAFE_DEBUG: { secret: false },
  /** The pc's center and owner when no flag names them (pc/src/profile.ts). */
  PHONESAFE_CENTER: { secret: false },
  PHONESAFE_OWNER: { secret: false },
  /** Where the pc keeps what it remembers; else $XDG_CONFIG_HOME/phonesafe, else ~/.config/phonesafe. */
  PHONESAFE_PC_DIR: { secret: false },
  XDG_CONFIG_HOME: { secret: false },
  HOME: { secret: false },
  /** Handed to the demo's child processes. */
  PATH: { secret: false },
} as const satisfies Record<string, { secret: boolean }>;

export type VariableName = keyof typeof VARIABLES;

/** Every variable the CLI reads. */
export const VARIABLE_NAMES: readonly VariableName[] = Object.keys(VARIABLES) as VariableName[];

/** The names declared secret: their values are never printed. */
export const SECRET_VARIABLES: readonly VariableName[] = (Object.keys(VARIABLES) as VariableName[]).filter(
  (name) => VARIABLES[name].secret,
);

/** The variables the pc library resolves its center, owner and folder from, as given (pc/src/profile.ts). */
export type PcEnv = Readonly<
  Partial<Record<'PHONESAFE_CENTER' | 'PHONESAFE_OWNER' | 'PHONESAFE_PC_DIR' | 'XDG_CONFIG_HOME' | 'HOME', string>>
>;

const MASK = '***';
const MAX_SECONDS = 24 * 3600;

const Seconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .refine((n) => n > 0 && n <= MAX_SECONDS);

const ClockSpec = z.string().transform((spec, ctx): Clock => {
  try {
    return clockFromSpec(spec);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** The environment of this process: called once, by main. */
export function processEnv(): CliEnv {
  return new CliEnv(process.env);
}

export class CliEnv {
  readonly #raw: Partial<Record<VariableName, string>>;
  #clock: Clock | undefined;
  #timeouts: HttpTimeouts | undefined;

  /** Keeps the declared variables only; an empty value is unset. */
  constructor(source: Readonly<Record<string, string | undefined>>) {
    const raw: Partial<Record<VariableName, string>> = {};
    for (const name of Object.keys(VARIABLES) as VariableName[]) {
      const value = source[name];
      if (value !== undefined) raw[name] = value;
    }
    this.#raw = raw;
  }

  /** Secret. */
  password(): string | undefined {
    return this.#given('PHONESAFE_PASSWORD');
  }

  /** Secret. */
  newPassword(): string | undefined {
    return this.#given('PHONESAFE_NEW_PASSWORD');
  }

  /** Secret. */
  pcMailPassword(): string | undefined {
    return this.#given('PHONESAFE_PC_MAIL_PASSWORD');
  }

  /** Secret. */
  handsetMailPassword(): string | undefined {
    return this.#given('PHONESAFE_MAIL_PASSWORD');
  }

  /** Secret. */
  mailPairingCode(): string | undefined {
    return this.#given('PHONESAFE_MAIL_PAIRING_CODE');
  }

  /** Secret. */
  rescueCode(): string | undefined {
    return this.#given('PHONESAFE_RESCUE_CODE');
  }

  /** Secret. */
  walletPin(): string | undefined {
    return this.#given('PHONESAFE_WALLET_PIN');
  }

  /** scrypt N for the wallet PIN: a power of two from 2^10 to 2^20, or undefined for the default. */
  walletScryptN(): number | undefined {
    const given = this.#given('PHONESAFE_WALLET_SCRYPT_N');
    if (given === undefined) return undefined;
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1024 || n > 1 << 20 || (n & (n - 1)) !== 0) {
      throw new PhoneSafeError('USAGE', 'PHONESAFE_WALLET_SCRYPT_N must be a power of two from 1024 to 1048576');
    }
    return n;
  }

  /** Secret. */
  recoveryKey(): string | undefined {
    return this.#given('PHONESAFE_RECOVERY_KEY');
  }

  /** Secret. */
  pin(): string | undefined {
    return this.#given('PHONESAFE_PIN');
  }

  /** Secret. */
  puk(): string | undefined {
    return this.#given('PHONESAFE_PUK');
  }

  /** Secret. */
  terminalPassword(): string | undefined {
    return this.#given('PHONESAFE_TERMINAL_PASSWORD');
  }

  /** The clock of this process (center, handset and pc verbs all take their time from it): PHONESAFE_CLOCK, else the system clock. */
  clock(): Clock {
    if (!this.#clock) {
      const spec = this.#given('PHONESAFE_CLOCK');
      this.#clock = spec === undefined ? clockFromSpec(undefined) : this.#parse('PHONESAFE_CLOCK', ClockSpec, (issue) => issue);
    }
    return this.#clock;
  }

  /** The HTTP client's timeouts, passed to every client a handset or pc verb opens; unset ones keep the client's defaults. */
  httpTimeouts(): HttpTimeouts {
    this.#timeouts ??= {
      ...this.#seconds('PHONESAFE_HTTP_CONNECT_TIMEOUT_SECONDS', 'connectMs'),
      ...this.#seconds('PHONESAFE_HTTP_TIMEOUT_SECONDS', 'idleMs'),
    };
    return this.#timeouts;
  }

  debug(): boolean {
    return this.#raw.PHONESAFE_DEBUG === '1';
  }

  /** What the pc library resolves from, exactly as given (an empty PHONESAFE_CENTER included). */
  pc(): PcEnv {
    const { PHONESAFE_CENTER, PHONESAFE_OWNER, PHONESAFE_PC_DIR, XDG_CONFIG_HOME, HOME } = this.#raw;
    return { PHONESAFE_CENTER, PHONESAFE_OWNER, PHONESAFE_PC_DIR, XDG_CONFIG_HOME, HOME };
  }

  path(): string {
    return this.#raw.PATH ?? '';
  }

  /** Every variable that is set, secrets masked: what may be shown or logged. */
  describe(): Record<string, string> {
    return Object.fromEntries(
      (Object.keys(this.#raw) as VariableName[]).map((name) => [name, VARIABLES[name].secret ? MASK : this.#raw[name]!]),
    );
  }

  toJSON(): Record<string, string> {
    return this.describe();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CliEnv ${JSON.stringify(this.describe())}`;
  }

  #given(name: VariableName): string | undefined {
    return this.#raw[name] || undefined;
  }

  #seconds(name: VariableName, key: keyof HttpTimeouts): HttpTimeouts {
    if (this.#given(name) === undefined) return {};
    const seconds = this.#parse(
      name,
      Seconds,
      () => `${name} must be a number of seconds above 0 and at most 86400, not '${this.#raw[name]!}'`,
    );
    return { [key]: Math.round(seconds * 1000) };
  }

  /** A set variable through its schema; a bad value is a USAGE error that names it (never a secret's value). */
  #parse<T>(name: VariableName, schema: z.ZodType<T, string>, message: (issue: string) => string): T {
    const parsed = schema.safeParse(this.#raw[name]);
    if (!parsed.success) throw new PhoneSafeError('USAGE', message(parsed.error.issues[0]?.message ?? `${name} is not valid`));
    return parsed.data;
  }
}
