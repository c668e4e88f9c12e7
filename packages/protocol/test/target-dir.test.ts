import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir } from '@phonesafe/testkit';
import { PhoneSafeError } from '@phonesafe/protocol';
import { TargetDir, targetSegments } from '@phonesafe/protocol/node';

async function base(t: TestContext): Promise<string> {
  const dir = await tempDir(t, 'target');
  return dir;
}

async function* bytes(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

const code = (wanted: string, naming?: string) => (error: unknown) =>
  error instanceof PhoneSafeError && error.code === wanted && (naming === undefined || error.detail.includes(naming));

test('paths are plain relative names', () => {
  assert.deepEqual(targetSegments('a/b/c.txt'), ['a', 'b', 'c.txt']);
  for (const bad of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', './a', 'a/', 'a\0b']) {
    assert.throws(() => targetSegments(bad), code('VALIDATION_FAILED'), JSON.stringify(bad));
  }
});

test('writes new files and directories, replaces a regular file, sets the time', async (t) => {
  const root = join(await base(t), 'out');
  const target = await TargetDir.open(root, ['a/b/c.txt', 'd.txt']);
  const mtime = new Date('2025-01-02T03:04:05.000Z');
  assert.equal(await target.write('a/b/c.txt', bytes('one'), { mtime }), 3);
  await target.write('d.txt', bytes('first'));
  await target.write('d.txt', bytes('second'));
  assert.equal(await readFile(join(root, 'a/b/c.txt'), 'utf8'), 'one');
  assert.equal(await readFile(join(root, 'd.txt'), 'utf8'), 'second');
  assert.equal((await stat(join(root, 'a/b/c.txt'))).mtime.toISOString(), mtime.toISOString());
  assert.deepEqual((await readdir(root, { recursive: true })).sort(), ['a', 'a/b', 'a/b/c.txt', 'd.txt'], 'no temporary file left');
});

test('a link deep on the way or in place of a file is refused before anything is made', async (t) => {
  const dir = await base(t);
  const root = join(dir, 'out');
  await mkdir(join(root, 'a/b'), { recursive: true });
  await mkdir(join(dir, 'outside'));
  await symlink(join(dir, 'outside'), join(root, 'a/b/c'));
  await writeFile(join(dir, 'file'), 'keep');
  await symlink(join(dir, 'file'), join(root, 'f.txt'));
  await assert.rejects(TargetDir.open(root, ['new/x.txt', 'a/b/c/d/e.txt']), code('LOCAL_IO', 'a/b/c'));
  await assert.rejects(TargetDir.open(root, ['f.txt']), code('LOCAL_IO', 'f.txt'));
  assert.deepEqual((await readdir(root)).sort(), ['a', 'f.txt'], 'new/ was not made');
  assert.deepEqual(await readdir(join(dir, 'outside')), []);
  assert.equal(await readFile(join(dir, 'file'), 'utf8'), 'keep');
});

test('a link that appears after the check is still not followed', async (t) => {
  const dir = await base(t);
  const root = join(dir, 'out');
  await mkdir(join(dir, 'outside'));
  const target = await TargetDir.open(root, ['m/x.txt', 'y.txt']);
  await symlink(join(dir, 'outside'), join(root, 'm'));
  await writeFile(join(dir, 'file'), 'keep');
  await symlink(join(dir, 'file'), join(root, 'y.txt'));
  await assert.rejects(target.write('m/x.txt', bytes('x')), code('LOCAL_IO', 'm'));
  await assert.rejects(target.write('y.txt', bytes('y')), code('LOCAL_IO', 'y.txt'));
  assert.deepEqual(await readdir(join(dir, 'outside')), []);
  assert.equal(await readFile(join(dir, 'file'), 'utf8'), 'keep');
  assert.equal((await lstat(join(root, 'y.txt'))).isSymbolicLink(), true);
  assert.deepEqual((await readdir(root)).sort(), ['m', 'y.txt'], 'the temporary file is gone');
});

test('a file in the way of a directory, or a directory where a file goes, is refused', async (t) => {
  const root = join(await base(t), 'out');
  await mkdir(join(root, 'dir'), { recursive: true });
  await writeFile(join(root, 'plain'), 'x');
  await assert.rejects(TargetDir.open(root, ['plain/x.txt']), code('LOCAL_IO', 'plain'));
  await assert.rejects(TargetDir.open(root, ['dir']), code('LOCAL_IO', 'dir'));
  await assert.rejects(TargetDir.open(join(root, 'plain'), ['x.txt']), code('LOCAL_IO', 'not a directory'));
});
