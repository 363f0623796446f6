import { CONFORMANCE_MAX_INSNS } from '../../conformance/executor.ts';
import type { ConformanceExecutor } from '../../conformance/judge.ts';
import { runConformance } from '../../conformance/runner.ts';
import { conformanceHelpers, DEFAULT_TIER, EXECUTION_TIERS, runProgram, type ExecutionTier } from '../../exec/index.ts';
import { parseTier } from '../../experiment/spec.ts';
import { parseVerbArgs } from '../../inputs/options.ts';
import type { Verb } from './verb.ts';

/** The conformance runner's executor (helpers as bpf_conformance's harness expects them)
 * on the chosen tier. */
function executorOn(tier: ExecutionTier): ConformanceExecutor {
  return (program, mem) => runProgram(program, { helpers: conformanceHelpers, ctx: mem, maxInsns: CONFORMANCE_MAX_INSNS, tier }).r0;
}

export const conformanceVerb: Verb = {
  name: 'conformance',
  summary: 'run bpf_conformance .data tests on the executor',
  help: `usage: bpfexc conformance <dir|files...> [--tier TIER]

Runs each .data test (directories: the .data files directly inside). Prints one
line per failure, then 'N passed, M failed' (', K skipped' when any were
skipped). Exit status 0 only when nothing failed.

options:
  --tier TIER        executor: ${EXECUTION_TIERS.join(' or ')} (default ${DEFAULT_TIER})`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('conformance', argv, { tier: { type: 'string' } });
    const report = runConformance(positionals, executorOn(parseTier(values.tier)));
    process.stdout.write(report.lines.join('\n') + '\n');
    return report.failed === 0 ? 0 : 1;
  },
};
