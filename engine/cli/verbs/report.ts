import { readFileSync } from 'node:fs';
import { BpfError } from '../../errors.ts';
import { formatReport, REPORT_FORMATS } from '../../report/format.ts';
import { parseResultDocument } from '../../results/document.ts';
import { oneOf, parseVerbArgs } from '../../inputs/options.ts';
import type { Verb } from './verb.ts';

const DEFAULT_RESULT = 'results/latest.json';

export const reportVerb: Verb = {
  name: 'report',
  summary: 'tables of a result document for a patch discussion',
  help: `usage: bpfexc report [result.json] [--format email|text|markdown|csv|csv-sites]

Prints the runs of a result document (default ${DEFAULT_RESULT}) as tables,
one per workload and CPU model, with the provenance a reader needs to
reproduce them.

formats:
  email      plain ASCII, at most 75 columns (default)
  text       the same for an 80-column terminal
  markdown   GitHub-flavoured markdown tables
  csv        one row per run
  csv-sites  one row per call site of every run`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('report', argv, { format: { type: 'string' } });
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
    process.stdout.write(formatReport(parseResultDocument(text, file), format));
    return 0;
  },
};
