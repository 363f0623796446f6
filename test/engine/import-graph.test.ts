// The engine's import graph: no circles, no arrow up. Every `.ts` file under engine/ is
// parsed for its static imports and re-exports (`import ... from`, `export ... from`,
// `import('...')` with a literal); relative specifiers are resolved to files, package and
// `node:` imports are left out. `import type` counts like any other import: it is erased at
// run time, but it still ties the importing file's source to the imported layer (a change
// there breaks the build here), and a circle or an arrow up kept alive only by types is
// still one in the design.
//
// Checked: (a) circles, (b) imports from engine/ into benchmarks/, charts/ or test/,
// (c) imports into engine/cli/ from elsewhere in engine/, (d) an import from a lower layer
// into a higher one, or sideways between folders of the same layer (LAYERS below). What is
// still wrong today is listed in KNOWN_*; those lists only shrink: a listed violation that
// no longer exists fails the test too, so they cannot go stale.
// A second test: benchmarks/ and charts/ use the engine's library side, never engine/cli/.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bottom first. A folder (or top-level file) of engine/ may import from its own entry and
 * any entry below; folders that share an entry are peers and may not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'program.ts', 'hex.ts', 'random.ts', 'isa', 'stats'],
  ['program-context.ts'],
  ['asm', 'elf', 'kernel', 'entry-point.ts'],
  ['inputs', 'layout'],
  ['exec'],
  ['strategies', 'conformance', 'fuzz'],
  ['cpus'],
  ['timing'],
  ['results'],
  ['oracle', 'strategy-run.ts'],
  ['experiment', 'machine', 'calibrate'],
  ['report', 'run.ts'],
  ['cli'],
];

/** Circles still in the code, as the sorted files of each (strongly connected) circle. */
const KNOWN_CIRCLES: readonly string[] = [];

/** Imports that break the layer order (d), as `from -> to`. */
const KNOWN_LAYER_VIOLATIONS: readonly string[] = [];

/** benchmarks/ and charts/ files that import engine/cli/, as `from -> to`. */
const KNOWN_CLI_USES: readonly string[] = [];

type Edge = { from: string; to: string };

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const rel = (path: string) => relative(ROOT, path).split(sep).join('/');

/** The relative imports of every .ts file under `dir` (a folder of the checkout). */
function importEdges(dir: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of tsFiles(join(ROOT, dir))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const specifiers: string[] = [];
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
        if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [arg] = node.arguments;
        if (arg !== undefined && ts.isStringLiteral(arg)) specifiers.push(arg.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const spec of specifiers) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      assert.ok(existsSync(target), `${rel(file)}: '${spec}' does not resolve to a file`);
      edges.push({ from: rel(file), to: rel(target) });
    }
  }
  return edges;
}

/** engine/<folder>/... or engine/<file>.ts -> folder or file name. */
const unitOf = (path: string) => path.split('/')[1]!;

/** Strongly connected parts of more than one file (or a file importing itself), each with
 * one circle through its first file, found by breadth-first search. */
function circles(edges: readonly Edge[]): { files: string[]; path: string[] }[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  for (const list of next.values()) list.sort();
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || next.get(v)!.includes(v)) parts.push(part.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return parts
    .map((files) => {
      const inPart = new Set(files);
      const start = files[0]!;
      const cameFrom = new Map<string, string>();
      const queue = [start];
      let end: string | undefined;
      while (queue.length > 0 && end === undefined) {
        const v = queue.shift()!;
        for (const w of next.get(v)!) {
          if (!inPart.has(w)) continue;
          if (w === start) {
            end = v;
            break;
          }
          if (!cameFrom.has(w)) {
            cameFrom.set(w, v);
            queue.push(w);
          }
        }
      }
      const path = [start];
      for (let v = end!; v !== start; v = cameFrom.get(v)!) path.splice(1, 0, v);
      path.push(start);
      return { files, path };
    })
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** Fails listing what is found but not known, and what is known but no longer found. */
function assertKnown(what: string, found: readonly string[], known: readonly string[], describe = (k: string) => k): void {
  const foundSet = new Set(found);
  const knownSet = new Set(known);
  const added = [...foundSet].filter((k) => !knownSet.has(k)).sort();
  const gone = [...knownSet].filter((k) => !foundSet.has(k)).sort();
  const lines: string[] = [];
  if (added.length > 0) lines.push(`${what}, not allowed:`, ...added.map((k) => `  ${describe(k)}`));
  if (gone.length > 0) lines.push(`${what}, listed as known but gone (remove from the list):`, ...gone.map((k) => `  ${k}`));
  assert.equal(lines.length, 0, lines.join('\n'));
}

test('engine/: no import circles, no arrow up, nothing from benchmarks/, charts/, test/ or engine/cli/', () => {
  const edges = importEdges('engine');
  assert.ok(edges.length > 100, 'the engine has imports to check');

  const found = circles(edges);
  const pathOf = new Map(found.map(({ files, path }) => [files.join(' '), path.join('\n      -> ')]));
  assertKnown('import circles', [...pathOf.keys()], KNOWN_CIRCLES, (k) => `${k}, e.g.\n      ${pathOf.get(k)!}`);

  const outside = edges.filter(({ to }) => !to.startsWith('engine/')).map(({ from, to }) => `${from} -> ${to}`);
  assert.deepEqual(outside, [], `engine/ imports from outside engine/ (benchmarks/, charts/, test/):\n${outside.join('\n')}`);

  const intoCli = edges
    .filter(({ from, to }) => unitOf(to) === 'cli' && unitOf(from) !== 'cli')
    .map(({ from, to }) => `${from} -> ${to}`);
  assert.deepEqual(intoCli, [], `engine/cli/ is the top; imported from elsewhere in engine/:\n${intoCli.join('\n')}`);

  const rank = new Map<string, number>();
  LAYERS.forEach((units, i) => units.forEach((unit) => rank.set(unit, i)));
  const units = new Set(tsFiles(join(ROOT, 'engine')).map((f) => unitOf(rel(f))));
  const unplaced = [...units].filter((u) => !rank.has(u)).sort();
  assert.deepEqual(unplaced, [], `engine/ folders or files missing from LAYERS: ${unplaced.join(', ')}`);
  const stale = [...rank.keys()].filter((u) => !units.has(u)).sort();
  assert.deepEqual(stale, [], `LAYERS names what is no longer in engine/: ${stale.join(', ')}`);

  const violations = edges
    .filter(({ from, to }) => {
      const [a, b] = [unitOf(from), unitOf(to)];
      return a !== b && rank.get(a)! <= rank.get(b)!;
    })
    .map(({ from, to }) => `${from} -> ${to}`);
  assertKnown('imports up or sideways between layers', violations, KNOWN_LAYER_VIOLATIONS);
});

test('benchmarks/ and charts/ use the engine as a library, not engine/cli/', () => {
  const uses = [...importEdges('benchmarks'), ...importEdges('charts')]
    .filter(({ to }) => to.startsWith('engine/cli/'))
    .map(({ from, to }) => `${from} -> ${to}`);
  assertKnown('imports of engine/cli/', uses, KNOWN_CLI_USES);
});
