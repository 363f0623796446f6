import { runConformance } from '../../conformance/runner.ts';
import { parseVerbArgs } from '../args.ts';
import type { Verb } from './verb.ts';

export const conformanceVerb: Verb = {
  name: 'conformance',
  summary: 'run bpf_conformance .data tests on the executor',
  help: `usage: bpfexc conformance <dir|files...>

Runs each .data test (directories: the .data files directly inside). Prints one
line per failure, then 'N passed, M failed' (', K skipped' when any were
skipped). Exit status 0 only when nothing failed.`,
  async run(argv) {
    const { positionals } = parseVerbArgs('conformance', argv, {});
    const report = runConformance(positionals);
    process.stdout.write(report.lines.join('\n') + '\n');
    return report.failed === 0 ? 0 : 1;
  },
};
