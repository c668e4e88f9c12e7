/**
 * The size budget (DEVELOPERS.md), checked in `npm test`: no source file over
 * MAX_FILE_LINES lines, no function (declaration, method, arrow or function
 * expression) over MAX_FUNCTION_LINES. Measured with the TypeScript parser
 * on `packages/*\/src`; prints every offender and exits 1 when there is one.
 * `--report` also prints the largest files and functions.
 */
import { glob, readFile } from 'node:fs/promises';
import ts from 'typescript';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
/**
 * Not measured: the center's migrations are frozen (never edited once shipped,
 * a dependency-cruiser rule keeps them imported by their index alone), so a
 * size over the budget there can never be split up.
 */
const EXEMPT = /^packages\/center\/src\/store\/migrations\//;

interface Measure {
  where: string;
  lines: number;
}

function functionsOf(file: string, source: ts.SourceFile): Measure[] {
  const found: Measure[] = [];
  const line = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      const start = line(node.getStart(source));
      found.push({ where: `${file}:${start + 1} ${name}`, lines: line(node.end) - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files: Measure[] = [];
const functions: Measure[] = [];
for await (const file of glob('packages/*/src/**/*.ts')) {
  if (EXEMPT.test(file)) continue;
  const text = await readFile(file, 'utf8');
  files.push({ where: file, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) });
  functions.push(...functionsOf(file, ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)));
}
const bigFiles = files.filter((f) => f.lines > MAX_FILE_LINES);
const bigFunctions = functions.filter((f) => f.lines > MAX_FUNCTION_LINES);
const largest = (list: Measure[]) => [...list].sort((a, b) => b.lines - a.lines).slice(0, 5);
if (process.argv.includes('--report')) {
  console.log(`${files.length} files, ${functions.length} functions`);
  for (const m of largest(files)) console.log(`  file ${m.lines} ${m.where}`);
  for (const m of largest(functions)) console.log(`  function ${m.lines} ${m.where}`);
}
for (const m of bigFiles) console.log(`file over ${MAX_FILE_LINES} lines: ${m.where} (${m.lines})`);
for (const m of bigFunctions) console.log(`function over ${MAX_FUNCTION_LINES} lines: ${m.where} (${m.lines})`);
process.exit(bigFiles.length + bigFunctions.length > 0 ? 1 : 0);
