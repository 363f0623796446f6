import { readFileSync } from 'node:fs';
import { BpfError } from '../../errors.ts';
import { parseVerbArgs } from '../../inputs/options.ts';
import { compareCalibrations, compareResults, type CalibrationLike } from '../../report/compare.ts';
import { parseResultDocument, READABLE_RESULT_SCHEMAS } from '../../results/document.ts';
import type { Verb } from './verb.ts';

import { CALIBRATION_SCHEMA } from '../../calibrate/report.ts';

export const compareVerb: Verb = {
  name: 'compare',
  summary: 'what changed between two result (or calibration) files',
  help: `usage: bpfexc compare <before.json> <after.json> [--width N]

Compares two bpfexc/result@2 (or @1) documents (from 'npm run bench' or 'bpfexc run
--format json') or two ${CALIBRATION_SCHEMA} documents (from 'bpfexc
calibrate --format json'), run by run, and lists only what changed:

  result files       per workload x strategy x CPU model: cycles per helper
                     site and per bpf-to-bpf site, entry and overhead cycles
                     per invocation, and the rewritten program's size. Model
                     cycles are deterministic, so every difference is listed.
  calibration files  kernel medians with a Mann-Whitney U test on the per-
                     round samples (p < 0.05 listed with its p value, the
                     rest counted as "~" within noise), and model figures.

Runs that did not change are counted, not listed; runs in only one file are
named. Plain ASCII, at most 75 columns (--width to change), for email.`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('compare', argv, { width: { type: 'string' } });
    if (positionals.length !== 2) throw new BpfError('usage', 'compare takes exactly two files: <before.json> <after.json> (see bpfexc compare --help)');
    const width = values.width === undefined ? 75 : Number(values.width);
    if (!Number.isInteger(width) || width < 60 || width > 200) throw new BpfError('usage', `--width must be an integer 60..200, not ${values.width}`);
    const [a, b] = positionals.map((file) => ({ file, text: readText(file) }));
    const schemaA = schemaOf(a.text, a.file);
    const schemaB = schemaOf(b.text, b.file);
    // Result documents of either version compare: a result@1 file against a newer run.
    const isResult = (s: string) => READABLE_RESULT_SCHEMAS.includes(s);
    if (isResult(schemaA) !== isResult(schemaB) || (!isResult(schemaA) && schemaA !== schemaB)) throw new BpfError('usage', `cannot compare a ${schemaA} document with a ${schemaB} one`, { file: b.file });
    if (isResult(schemaA)) {
      process.stdout.write(compareResults({ name: a.file, doc: parseResultDocument(a.text, a.file) }, { name: b.file, doc: parseResultDocument(b.text, b.file) }, width));
    } else {
      process.stdout.write(compareCalibrations({ name: a.file, doc: calibration(a.text, a.file) }, { name: b.file, doc: calibration(b.text, b.file) }, width));
    }
    return 0;
  },
};

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BpfError('usage', code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`, { file });
  }
}

function schemaOf(text: string, file: string): string {
  let schema: unknown;
  try {
    schema = (JSON.parse(text) as { schema?: unknown })?.schema;
  } catch (e) {
    throw new BpfError('parse', `not a JSON document (${(e as Error).message})`, { file });
  }
  if (!READABLE_RESULT_SCHEMAS.includes(schema as string) && schema !== CALIBRATION_SCHEMA) {
    throw new BpfError('parse', `schema is ${JSON.stringify(schema)}; compare reads ${READABLE_RESULT_SCHEMAS.join(', ')} and ${CALIBRATION_SCHEMA} documents`, { file });
  }
  return schema as string;
}

function calibration(text: string, file: string): CalibrationLike {
  const d = JSON.parse(text) as CalibrationLike;
  if (!Array.isArray(d.sections)) throw new BpfError('parse', `a ${CALIBRATION_SCHEMA} document without sections`, { file });
  return d;
}
