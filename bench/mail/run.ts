/**
 * Backup by mail benchmark (issue 13): a 64 MiB handset backed up through the
 * local Postfix + Dovecot (scripts/ensure-mail.sh), with no center. Reports
 * the wall time of `pc mail-backup` (instruction out, the handset's
 * responder in `handset run` answers, every part fetched, checked and
 * recorded), the number of mails, and checks that `pc mail-export` is
 * byte-identical to `handset export`. Not part of `npm test`.
 *
 *   npm run bench:mail [-- --size-mib 64] [-- --json]
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '64' }, json: { type: 'boolean', default: false } } });
const sizeMiB = Number(values['size-mib']);
const ROOT = new URL('../..', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/src/main.ts');
const PASSWORD = 'phonesafe-test-mail';
const log = (line: string) => process.stderr.write(`[bench:mail] ${line}\n`);

function cli(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

function digest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of files(dir).sort()) hash.update(relative(dir, file)).update(readFileSync(file));
  return hash.digest('hex');
}

/** Photos of incompressible bytes and some text, `sizeMiB` in all (the default limit of one answer is 64 MiB). */
function image(dir: string): number {
  let left = sizeMiB * 1024 * 1024 - 200 * 1024;
  mkdirSync(join(dir, 'contacts'), { recursive: true });
  mkdirSync(join(dir, 'photos'), { recursive: true });
  for (let i = 0; i < 200; i++)
    writeFileSync(join(dir, 'contacts', `c${i}.vcf`), `BEGIN:VCARD\nFN:Person ${i}\nTEL:+1555${i}\nEND:VCARD\n`.padEnd(1000, ' '));
  for (let i = 0; left > 0; i++) {
    const size = Math.min(left, 1024 * 1024 + i * 7919);
    writeFileSync(join(dir, 'photos', `p${i}.jpg`), randomBytes(size));
    left -= size;
  }
  return files(dir).reduce((sum, f) => sum + statSync(f).size, 0);
}

async function main(): Promise<void> {
  execFileSync('bash', [join(ROOT, 'scripts/ensure-mail.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const work = mkdtempSync(join(tmpdir(), 'phonesafe-bench-mail-'));
  const tag = randomBytes(4).toString('hex');
  const [pc, phone, owner] = [`bench-pc-${tag}@pc.test`, `bench-phone-${tag}@phone.test`, `bench-owner-${tag}@owner.test`];
  const pcEnv = { PHONESAFE_PC_DIR: join(work, 'pc'), PHONESAFE_PC_MAIL_PASSWORD: PASSWORD };
  const hsEnv = { PHONESAFE_MAIL_PASSWORD: PASSWORD };
  const hs = join(work, 'handset');
  const servers = ['--smtp', 'smtp://127.0.0.1:587', '--imap', 'imap://127.0.0.1:143'];
  try {
    const bytes = image(join(work, 'src'));
    log(`image: ${(bytes / 1048576).toFixed(1)} MiB`);
    cli(
      [
        'pc',
        'mail-pair',
        '--name',
        'phone',
        '--address',
        pc,
        ...servers,
        '--handset-address',
        phone,
        '--notify',
        owner,
        '--code-out',
        join(work, 'code'),
      ],
      pcEnv,
    );
    cli(
      [
        'handset',
        'mail-pair',
        '--data',
        hs,
        '--code-file',
        join(work, 'code'),
        '--address',
        phone,
        ...servers,
        '--pc',
        pc,
        '--notify',
        owner,
      ],
      hsEnv,
    );
    // After the pairing: only a creating verb (enrol, mail-pair, wallet setup) makes a handset directory.
    cli(['handset', 'import', '--data', hs, join(work, 'src')], {});
    const responder = spawn(process.execPath, [MAIN, 'handset', 'run', '--data', hs, '--mail-interval', '200'], {
      env: { PATH: process.env.PATH ?? '', ...hsEnv },
      stdio: 'ignore',
    });
    try {
      const started = performance.now();
      const answer = JSON.parse(cli(['pc', 'mail-backup', '--handset', 'phone', '--wait', '900', '--json'], pcEnv)) as {
        backupId: string;
        files: number;
      };
      const seconds = (performance.now() - started) / 1000;
      const listed = JSON.parse(cli(['pc', 'mail-backups', '--json'], pcEnv)) as { backups: Array<{ id: string; mails: number }> };
      const mails = listed.backups.find((b) => b.id === answer.backupId)!.mails;
      cli(['handset', 'export', '--data', hs, join(work, 'a')], {});
      cli(['pc', 'mail-export', '--backup', answer.backupId, '--out', join(work, 'b')], pcEnv);
      const identical = digest(join(work, 'a')) === digest(join(work, 'b'));
      const mailDir = `/var/mail/vhosts/pc.test/${pc.split('@')[0]}/Maildir`;
      const onServer = files(mailDir)
        .filter((f) => /\/(cur|new)\//.test(f))
        .reduce((sum, f) => sum + statSync(f).size, 0);
      const result = {
        sizeMiB: +(bytes / 1048576).toFixed(1),
        files: answer.files,
        seconds: +seconds.toFixed(2),
        mails,
        mailBytesOnServer: onServer,
        identical,
      };
      if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
      else
        log(
          `${result.sizeMiB} MiB, ${result.files} files: ${result.seconds} s, ${mails} mails (${(onServer / 1048576).toFixed(1)} MiB on the pc's server), export identical: ${identical}`,
        );
      if (!identical) process.exitCode = 1;
    } finally {
      responder.kill('SIGTERM');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
