import { strict as assert } from 'node:assert';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './temp.ts';
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
  await assert.rejects(writeFiles(out, files, () => chunks('hi')), refused);
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

test('a symlink under the output directory cannot lead a file outside it', async (t) => {
  const base = await tempDir(t);
  const out = join(base, 'out');
  const elsewhere = join(base, 'elsewhere');
  await mkdir(out);
  await mkdir(elsewhere);
  await symlink(elsewhere, join(out, 'media'));
  await assert.rejects(writeFiles(out, [{ path: 'media/x.jpg', size: 1, modifiedAt: at }], () => chunks('x')), refused);
  assert.deepEqual(await tree(elsewhere), []);
});
