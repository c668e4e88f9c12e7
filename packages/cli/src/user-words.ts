/**
 * Errors in the user's words: what the center or a library says about its
 * own fields (`params.id`, `body.name`, a byte count) becomes the flag the
 * user typed and a size in human units, and a failure that has a usual cause
 * gets the hint for it (a CA for --ca, a setting that is an environment
 * variable, not a flag, a password given as a flag). errors.ts prints the
 * result. A database that does not exist and a TLS key of another
 * certificate are said by the center itself (server-kit's migrate.ts,
 * the center's server.ts), in the same words.
 */
import type { Command } from 'commander';
import { PhoneSafeError } from '@phonesafe/protocol';
import { humanBytes } from './output.ts';

/** The flags a field of a request may have come from, in order of preference; the first the command has wins. */
const FIELD_FLAGS: Readonly<Record<string, readonly string[]>> = {
  id: ['--backup', '--cancel'],
  backupId: ['--backup'],
  name: ['--name', '--to', '--handset', '--from-handset'],
  handset: ['--to', '--handset', '--from-handset'],
  email: ['--owner'],
  owner: ['--owner'],
  phone: ['--phone'],
  code: ['--code'],
  control: ['--control'],
  limitBytes: ['--limit'],
  bytes: ['--bytes'],
};

const WIRE_PATH = /\b(?:body|params|querystring|headers)\.([\w.]+)/g;

/** The error as the user should read it: its detail rewritten and hinted; code and exit status unchanged. */
export function inUserWords(error: PhoneSafeError, context: WordsContext): PhoneSafeError {
  const detail = rewrite(error, context);
  return detail === error.detail ? error : new PhoneSafeError(error.code, detail, { ...error.extra }, { cause: error });
}

export interface WordsContext {
  /** The command that ran (its flags and arguments name the fields), when parsing got that far. */
  command: Command | undefined;
  /** Every PHONESAFE_* variable a setting can come from (the CLI's and the center's). */
  variables: ReadonlySet<string>;
}

function rewrite(error: PhoneSafeError, { command, variables }: WordsContext): string {
  switch (error.code) {
    case 'VALIDATION_FAILED':
      return validation(error, command);
    case 'QUOTA_EXCEEDED':
      return quota(error);
    case 'NETWORK':
      // Node's advice about its own flags is not the user's next step; ours is --ca.
      return withHint(
        error.detail.replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca/, ''),
        certificateHint(error.detail, command),
      );
    case 'USAGE':
      return withHint(error.detail, unknownFlagHint(error.detail, variables));
    default:
      return error.detail;
  }
}

/** `body.name: Too small: …; body.name: letters, …` → `--name: at least 1 character, letters, …`. */
function validation(error: PhoneSafeError, command: Command | undefined): string {
  const issues = issuesOf(error);
  if (issues.length === 0) return error.detail.replace(WIRE_PATH, (_m, field: string) => flagFor(field, command));
  const byWhere = new Map<string, string[]>();
  for (const issue of issues) {
    const where = flagFor(issue.path.replace(/^(body|params|querystring|headers)\./, ''), command);
    byWhere.set(where, [...(byWhere.get(where) ?? []), plainMessage(issue.message)]);
  }
  return [...byWhere].map(([where, messages]) => `${where}: ${[...new Set(messages)].join(', ')}`).join('; ');
}

function issuesOf(error: PhoneSafeError): { path: string; message: string }[] {
  const issues = error.extra['issues'];
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (i): i is { path: string; message: string } =>
      typeof i === 'object' && i !== null && typeof i.path === 'string' && typeof i.message === 'string',
  );
}

/** A request field → the flag (or argument) of this command that carried it, else the field in plain words. */
function flagFor(field: string, command: Command | undefined): string {
  const last = field.split('.').at(-1) ?? field;
  const flags = new Set(command?.options.map((o) => o.long).filter((l): l is string => l !== undefined) ?? []);
  const kebab = `--${last.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  for (const candidate of [kebab, ...(FIELD_FLAGS[last] ?? [])]) if (flags.has(candidate)) return candidate;
  const argument = command?.registeredArguments.find((a) => a.name().toLowerCase() === last.toLowerCase());
  if (argument) return argument.name().toUpperCase();
  return `the ${field.replace(/\./g, ' ')} sent to the center`;
}

/** zod's wording for the common checks, shorter. */
function plainMessage(message: string): string {
  return message
    .replace(
      /^Too small: expected string to have >=(\d+) characters?$/,
      (_m, n: string) => `at least ${n} character${n === '1' ? '' : 's'}`,
    )
    .replace(/^Too big: expected string to have <=(\d+) characters?$/, (_m, n: string) => `at most ${n} characters`)
    .replace(/^Invalid email address$/, 'not an e-mail address')
    .replace(/^Invalid input: expected (\w+), received (\w+)$/, (_m, want: string, got: string) => `expected ${want}, not ${got}`);
}

function quota(error: PhoneSafeError): string {
  const stored = error.extra['storedBytes'];
  const quotaBytes = error.extra['quotaBytes'];
  if (typeof stored !== 'number' || typeof quotaBytes !== 'number') return error.detail;
  return (
    `you store ${humanBytes(stored)} and the quota is ${humanBytes(quotaBytes)}, so this backup does not fit; ` +
    'delete backups you no longer need with `pc forget` (try `--dry-run` first) or ask the center’s operator for more (`phonesafe center quota --owner EMAIL --bytes SIZE`); ' +
    '`pc quota` shows your use'
  );
}

/** TLS failures in Node's words: a certificate for another name; one not chaining to a trusted CA. */
const OTHER_NAME = /altnames|does not match certificate|Hostname\/IP/i;
const UNTRUSTED =
  /self[- ]signed|unable to (verify|get (local )?issuer)|certificate (chain|has expired|is not yet valid)|UNABLE_TO_VERIFY/i;

function certificateHint(detail: string, command: Command | undefined): string | undefined {
  if (/^cannot reach the safe at /.test(detail)) return safeCertificateHint(detail);
  if (OTHER_NAME.test(detail)) {
    return "the center's certificate is for another name: use the host name it was issued for in --center";
  }
  if (UNTRUSTED.test(detail)) {
    const hasCa = command?.options.some((o) => o.long === '--ca') ?? true;
    const how = hasCa
      ? "give the CA's PEM file with --ca FILE"
      : 'this handset was enrolled without that CA: enrol it again with --ca FILE';
    return `the center's certificate is not signed by a CA this computer trusts: ${how}`;
  }
  return undefined;
}

/** A safe's certificate is trusted per safe: the CA goes with the pinned safe (`handset safe add URL --ca FILE`). */
function safeCertificateHint(detail: string): string | undefined {
  if (OTHER_NAME.test(detail)) {
    return "the safe's certificate is for another name: use the host name it was issued for in the safe's URL";
  }
  if (UNTRUSTED.test(detail)) {
    return "the safe's certificate is not signed by the CA pinned for it (or by one this computer trusts): pin its CA with `handset safe add URL --ca FILE`";
  }
  return undefined;
}

/** Settings that are environment variables only, typed as flags; passwords, which are never flags. */
function unknownFlagHint(detail: string, variables: ReadonlySet<string>): string | undefined {
  const flag = /unknown option '(--[\w-]+)'/.exec(detail)?.[1];
  if (!flag) return undefined;
  if (flag === '--password' || flag === '--new-password') {
    return 'passwords are never flags (every local user could read them in the process list): set PHONESAFE_PASSWORD (PHONESAFE_NEW_PASSWORD for pc passwd), or type it when asked';
  }
  const variable = `PHONESAFE_${flag.slice(2).replace(/-/g, '_').toUpperCase()}`;
  if (!variables.has(variable)) return undefined;
  return `${flag} is not a flag of this command: that setting comes from the environment (${variable}=…)`;
}

function withHint(detail: string, hint: string | undefined): string {
  return hint && !detail.includes(hint) ? `${detail}; ${hint}` : detail;
}
