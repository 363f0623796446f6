// `npm run check:reference`: reruns the default bench and holds its result document to the
// committed reference run (results/reference/latest.json), run by run, provenance and the
// simulator's host timings aside. A change that claims to leave behaviour alone (a
// refactoring, a faster model) proves it here; one that changes figures must regenerate
// the reference (npm run bench -- --out results/reference --charts charts/reference).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REFERENCE = join(ROOT, 'results', 'reference', 'latest.json');

interface Doc {
  provenance?: unknown;
  hostTimings?: unknown;
  runs: Record<string, unknown>[];
  [k: string]: unknown;
}

/** The document without what legitimately differs between two runs of the same code. */
function comparable(path: string): Doc {
  const d = JSON.parse(readFileSync(path, 'utf8')) as Doc;
  delete d.provenance;
  delete d.hostTimings;
  return d;
}

const runName = (r: Record<string, unknown>): string =>
  `${String(r.workload)} ${String(r.strategy)} ${String(r.cpuModel)} cpus=${String(r.cpus)} throw=${String(r.throwRate)}${r.params ? ` ${JSON.stringify(r.params)}` : ''}`;

/** Human-readable differences, at most `max` of them. */
export function differences(ref: Doc, got: Doc, max = 10): string[] {
  const out: string[] = [];
  const { runs: a, ...restA } = ref;
  const { runs: b, ...restB } = got;
  if (JSON.stringify(restA) !== JSON.stringify(restB)) out.push(`document fields other than runs differ: ${JSON.stringify(restA).slice(0, 200)} vs ${JSON.stringify(restB).slice(0, 200)}`);
  if (a.length !== b.length) out.push(`${a.length} runs in the reference, ${b.length} now`);
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < max; i++) {
    if (JSON.stringify(a[i]) === JSON.stringify(b[i])) continue;
    const keys = [...new Set([...Object.keys(a[i]), ...Object.keys(b[i])])].filter((k) => JSON.stringify(a[i][k]) !== JSON.stringify(b[i][k]));
    out.push(`run ${i} (${runName(a[i])}): ${keys.join(', ')} differ`);
  }
  return out;
}

function main(): number {
  const dir = mkdtempSync(join(tmpdir(), 'bpfexc-check-reference-'));
  try {
    const bench = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'benchmarks', 'bench.ts'), '--out', dir, '--no-charts', '--host-time', '0'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (bench.status !== 0) {
      process.stderr.write(`check-reference: the bench exited with ${bench.status ?? bench.signal}\n`);
      return 1;
    }
    const diff = differences(comparable(REFERENCE), comparable(join(dir, 'latest.json')));
    if (diff.length) {
      process.stdout.write(`check-reference: the bench differs from ${REFERENCE}:\n${diff.map((d) => `  ${d}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write(`check-reference: every run of the bench is identical to ${REFERENCE} (provenance and host timings aside)\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
