// `npm run charts [-- result.json] [--calibration FILE] [--out DIR]`: re-renders the
// charts from a result document without re-running anything.
import { runMain } from '../engine/entry-point.ts';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BpfError } from '../engine/errors.ts';
import { renderCharts } from './render-charts.ts';

const CHARTS_DIR = fileURLToPath(new URL('.', import.meta.url));
const DEFAULT_RESULT = fileURLToPath(new URL('../results/latest.json', import.meta.url));

const USAGE = `usage: tsx charts/render.ts [result.json] [--calibration FILE] [--out DIR]

Renders charts/<name>.svg, .png, .vl.json and charts/index.html from a result
document (default results/latest.json). The model-vs-kernel chart reads
calibration/latest.json beside the result file unless --calibration is given.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { calibration: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new BpfError("usage", `${(e as Error).message.split("\n")[0]} (see --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (parsed.positionals.length > 1) throw new BpfError('usage', 'charts take at most one result file');
  const resultFile = parsed.positionals[0] ?? DEFAULT_RESULT;
  const outDir = parsed.values.out ?? CHARTS_DIR;
  const { written, skipped } = await renderCharts(resultFile, { outDir, calibrationFile: parsed.values.calibration });
  for (const s of skipped) process.stderr.write(`charts: skipped ${s.name}: ${s.reason}\n`);
  const charts = written.filter((f) => f.endsWith('.svg')).length;
  process.stdout.write(`charts: ${charts} chart${charts === 1 ? '' : 's'} and index.html written to ${relative(process.cwd(), outDir) || '.'}\n`);
  return 0;
}

runMain('charts', () => main(process.argv.slice(2)));
