import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { DATA_KINDS, isDataKind, PhoneSafeError, type DataKind } from '@phonesafe/protocol';

/** A subcommand with the options every verb shares. */
export function verb(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).option('--json', 'print the result as one JSON document on stdout');
}

/** `--kinds contacts,media` → validated kinds; anything unknown is a usage error naming the valid ones. */
export function parseKinds(value: string): DataKind[] {
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const unknown = kinds.filter((k) => !isDataKind(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new PhoneSafeError(
      'USAGE',
      `unknown kind ${unknown.map((k) => `'${k}'`).join(', ') || "''"}; kinds are ${DATA_KINDS.join(', ')}`,
    );
  }
  return [...new Set(kinds)] as DataKind[];
}

export function kindsOption(): Option {
  return new Option('--kinds <list>', `comma-separated data kinds (${DATA_KINDS.join(', ')})`).argParser(parseKinds);
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new PhoneSafeError('USAGE', `--port must be 0-65535, not '${value}'`);
  return port;
}

/** The PEM named by `--ca FILE`, read here so that both the handset and the pc get its content. */
export async function readCaFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PhoneSafeError('USAGE', `cannot read the CA file ${path}: ${(error as Error).message}`);
  }
}
