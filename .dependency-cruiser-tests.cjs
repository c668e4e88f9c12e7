/**
 * Boundaries of the tests (DEVELOPERS.md, Tests), checked in `npm test` with
 * the tests included (the main config, .dependency-cruiser.cjs, checks
 * src/ only). Workspace imports are resolved here, so a rule sees the file
 * an import reaches and whether it went through the package's name.
 *
 * - A test imports its own package's files, and of another package only its
 *   public entries (the `exports` of its package.json), by package name:
 *   never another package's src/ or test/ files.
 * - A package imports only the workspace packages its package.json declares
 *   (dependencies or devDependencies).
 * - A unit test (`*.unit.test.ts`) imports nothing that touches files, a
 *   database, the network or processes.
 */
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const packages = readdirSync(join(__dirname, 'packages')).map((dir) => {
  const manifest = JSON.parse(readFileSync(join(__dirname, 'packages', dir, 'package.json'), 'utf8'));
  const exported = Object.values(manifest.exports ?? {}).map((entry) => `packages/${dir}/${entry.replace(/^\.\//, '')}`);
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => name.startsWith('@phonesafe/'));
  return { dir, name: manifest.name, exported, declared };
});
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const dirOf = new Map(packages.map((p) => [p.name, p.dir]));

const undeclared = packages.flatMap((p) => {
  const others = packages.filter((o) => o.dir !== p.dir && !p.declared.includes(o.name)).map((o) => o.dir);
  if (others.length === 0) return [];
  return [
    {
      name: `${p.dir}-declares-what-it-imports`,
      comment: `${p.name} imports only the workspace packages its package.json declares (${p.declared.map((n) => dirOf.get(n)).join(', ') || 'none'})`,
      severity: 'error',
      from: { path: `^packages/${p.dir}/` },
      to: { path: `^packages/(${others.join('|')})/` },
    },
  ];
});

module.exports = {
  forbidden: [
    {
      name: 'tests-use-public-entries-only',
      comment: 'a test reaches another package through its public entries (package.json exports), never into its src/ or test/ files',
      severity: 'error',
      from: { path: '^packages/([^/]+)/test/' },
      to: { path: '^packages/', pathNot: ['^packages/$1/', ...packages.flatMap((p) => p.exported.map((e) => `^${escape(e)}$`))] },
    },
    {
      name: 'tests-import-other-packages-by-name',
      comment: 'another package is imported by its name (@phonesafe/…), never by a relative path into it',
      severity: 'error',
      from: { path: '^packages/([^/]+)/test/' },
      to: { path: '^packages/', pathNot: '^packages/$1/', dependencyTypesNot: ['aliased-workspace'] },
    },
    {
      name: 'unit-tests-touch-no-io',
      comment: 'the unit tier (*.unit.test.ts) is pure logic: no files, database, network or process (npm run test:unit)',
      severity: 'error',
      from: { path: '\\.unit\\.test\\.ts$' },
      to: {
        path: [
          '^(child_process|cluster|dgram|dns|fs|fs/promises|http|http2|https|net|sqlite|tls|worker_threads)$',
          '^packages/testkit/',
          '(^|/)node_modules/(pg|ws)/',
        ],
      },
    },
    ...undeclared,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^packages/cli/test/fixtures/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'], extensions: ['.ts'] },
  },
};
