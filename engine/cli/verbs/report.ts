import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BpfError } from '../../errors.ts';
import { readCpuIdentity } from '../../kernel/host-info.ts';
import { formatReport, REPORT_FORMATS } from '../../report/format.ts';
import { findHostCalibration } from '../../report/host-calibration.ts';
import { parseReportFilters } from '../../report/report-filters.ts';
import { parseResultDocument } from '../../results/document.ts';
import { gitRepository } from '../../results/provenance.ts';
import { oneOf, parseVerbArgs } from '../../inputs/options.ts';
import type { Verb } from './verb.ts';

const DEFAULT_RESULT = 'results/latest.json';
/** Calibrations `bpfexc calibrate` wrote here, and the committed per-host references. */
const DEFAULT_CALIBRATIONS = ['../../../results/calibration/', '../../../results/reference/calibration/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export const reportVerb: Verb = {
  name: 'report',
  summary: 'tables of a result document for a patch discussion',
  help: `usage: bpfexc report [result.json] [--format FMT] [filters]

Prints a result document (default ${DEFAULT_RESULT}): first one table, per CPU
model (x86, then arm64) and strategy, of the check's cycles per call site
(helper and bpf-to-bpf sites apart) with the entry cycles per invocation
beside them, in ns too; then what a reader needs to judge the numbers (timing
model, clocks, invocations, how the model compared with the kernel on this
host) and commands that reproduce them; then the details: one table per
workload and CPU model, or, when those are over 150 lines, an overview
(every run is in --format csv).

formats:
  email      plain ASCII, at most 75 columns (default)
  text       the same for an 80-column terminal
  markdown   GitHub-flavoured markdown tables
  csv        one row per run
  csv-sites  one row per call-site row (sites, pcs: what an aggregated row of
             a result@2 document stands for)

filters (every form; LIST is comma-separated):
  --workload LIST    --cpu-model LIST    --strategy LIST    --cpus LIST
  --sites helper|subprog   per-site figures over helper (and kfunc) sites
                           or bpf-to-bpf sites only

  --calibration PATH  calibration documents (files or directories) to find
                      this host's in (default results/calibration/ and
                      results/reference/calibration/)`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('report', argv, {
      format: { type: 'string' },
      workload: { type: 'string' },
      'cpu-model': { type: 'string' },
      strategy: { type: 'string' },
      cpus: { type: 'string' },
      sites: { type: 'string' },
      calibration: { type: 'string' },
    });
    if (positionals.length > 1) throw new BpfError('usage', 'report takes at most one result file (see bpfexc report --help)');
    const format = oneOf('format', values.format, REPORT_FORMATS, 'email');
    const file = positionals[0] ?? DEFAULT_RESULT;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new BpfError('usage', code === 'ENOENT' ? 'no such result file (run `npm run bench` or `bpfexc run ... --format json > FILE` first)' : `cannot read: ${(e as Error).message}`, { file });
    }
    const doc = parseResultDocument(text, file);
    const filters = parseReportFilters(doc, values);
    const where = values.calibration ? values.calibration.split(',') : DEFAULT_CALIBRATIONS;
    const calibration = format === 'csv' || format === 'csv-sites' ? undefined : findHostCalibration(where, await readCpuIdentity());
    const shown = values.calibration ?? 'results/calibration/ or results/reference/calibration/';
    process.stdout.write(formatReport(doc, format, { filters, calibration, calibrationWhere: shown, repository: gitRepository(), file }));
    return 0;
  },
};
