import { strict as assert } from 'node:assert';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@phonesafe/testkit';
import { PhoneSafeError } from '@phonesafe/protocol';
import { resolveInside, writeFiles, type FileToWrite } from '../src/index.ts';

const at = '2026-01-01T00:00:00.000Z';

function refused(error: unknown): boolean {
  return error instanceof PhoneSafeError && error.code === 'VALIDATION_FAILED';
}

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

/** Every file and directory under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

test('plain relative paths resolve inside the root, unicode included', () => {
  assert.equal(resolveInside('/out', 'contacts/alice.vcf'), '/out/contacts/alice.vcf');
  assert.equal(resolveInside('/out', 'media/été/ファイル.jpg'), '/out/media/été/ファイル.jpg');
  assert.equal(resolveInside('/out', '..hidden'), '/out/..hidden');
});

test('absolute paths, parent segments and odd segments are refused', () => {
  for (const bad of ['/etc/passwd', '../x', 'a/../../b', 'a/..', '..', 'a//b', './a', 'a/./b', 'a/', '', 'a\0b']) {
    assert.throws(() => resolveInside('/out', bad), refused, JSON.stringify(bad));
  }
});

test('one unsafe path in a manifest means nothing is written at all', async (t) => {
  const out = join(await tempDir(t), 'out');
  const files: FileToWrite[] = [
    { path: 'ok.txt', size: 2, modifiedAt: at },
    { path: '../escaped.txt', size: 2, modifiedAt: at },
  ];
  await assert.rejects(
    writeFiles(out, files, () => chunks('hi')),
    refused,
  );
  await assert.rejects(readdir(out), { code: 'ENOENT' });
});

test('files land at their paths with their content', async (t) => {
  const out = await tempDir(t);
  const files = [
    { path: 'contacts/a.vcf', size: 6, modifiedAt: at, body: ['BEGIN:', ''] },
    { path: 'empty', size: 0, modifiedAt: at, body: [] },
  ];
  const result = await writeFiles(out, files, (f) => chunks(...f.body));
  assert.deepEqual(result, { files: 2, bytes: 6 });
  assert.equal(await readFile(join(out, 'contacts/a.vcf'), 'utf8'), 'BEGIN:');
  assert.equal((await readFile(join(out, 'empty'))).length, 0);
});

test('a content failure midway leaves neither the file nor a temporary file', async (t) => {
  const out = await tempDir(t);
  async function* damaged(): AsyncGenerator<Buffer> {
    yield Buffer.from('first half');
    throw new PhoneSafeError('PART_DAMAGED', 'part abc is damaged');
  }
  await assert.rejects(
    writeFiles(out, [{ path: 'media/big.jpg', size: 20, modifiedAt: at }], damaged),
    (error: unknown) => error instanceof PhoneSafeError && error.code === 'PART_DAMAGED' && error.detail.startsWith('media/big.jpg: '),
  );
  assert.deepEqual(await tree(out), ['media']);
});

function refusedLink(path: string): (error: unknown) => boolean {
  return (error) =>
    error instanceof PhoneSafeError && error.code === 'LOCAL_IO' && error.detail.includes(path) && /symbolic link/.test(error.detail);
}

test('a symlink to a directory outside: refused naming it, nothing created or written outside, nothing written inside', async (t) => {
  const base = await tempDir(t);
  const out = join(base, 'out');
  const elsewhere = join(base, 'elsewhere');
  await mkdir(out);
  await mkdir(elsewhere);
  await symlink(elsewhere, join(out, 'media'));
  const files = [
    { path: 'contacts/a.vcf', size: 1, modifiedAt: at },
    { path: 'media/2025/x.jpg', size: 1, modifiedAt: at },
  ];
  await assert.rejects(
    writeFiles(out, files, () => chunks('x')),
    refusedLink('media'),
  );
  assert.deepEqual(await tree(elsewhere), [], 'no directory made outside');
  assert.deepEqual(await tree(out), ['media'], 'every path is checked before anything is created');
});

test('a symlink to a file outside: refused naming it, the file outside unchanged, the link left alone', async (t) => {
  const base = await tempDir(t);
  const out = join(base, 'out');
  const outside = join(base, 'precious.txt');
  await mkdir(join(out, 'contacts'), { recursive: true });
  await writeFile(outside, 'keep me');
  await symlink(outside, join(out, 'contacts/a.vcf'));
  await assert.rejects(
    writeFiles(out, [{ path: 'contacts/a.vcf', size: 1, modifiedAt: at }], () => chunks('x')),
    refusedLink('contacts/a.vcf'),
  );
  assert.equal(await readFile(outside, 'utf8'), 'keep me');
  assert.equal((await lstat(join(out, 'contacts/a.vcf'))).isSymbolicLink(), true);
});

test('the output directory itself may be a symlink (the owner chose it)', async (t) => {
  const base = await tempDir(t);
  const real = join(base, 'real');
  await mkdir(real);
  await symlink(real, join(base, 'out'));
  await writeFiles(join(base, 'out'), [{ path: 'a/b.txt', size: 2, modifiedAt: at }], () => chunks('hi'));
  assert.equal(await readFile(join(real, 'a/b.txt'), 'utf8'), 'hi');
});
