import { BpfError } from '../../errors.ts';
import { cpuModelById, CPU_MODELS } from '../../cpus/index.ts';
import { DEFAULT_CALIBRATION, runCalibration, writeCalibration } from '../../calibrate/run-calibration.ts';
import { formatCalibration } from '../../calibrate/report.ts';
import { DEFAULT_TIER, EXECUTION_TIERS } from '../../exec/index.ts';
import { parseTier } from '../../experiment/index.ts';
import { intOption, oneOf, parseVerbArgs } from '../args.ts';
import type { Verb } from './verb.ts';

const D = DEFAULT_CALIBRATION;

export const calibrateVerb: Verb = {
  name: 'calibrate',
  summary: 'time the exception checks on the running kernel; model vs measured',
  help: `usage: bpfexc calibrate [options]

Builds programs with N call sites per strategy (none, call, stack, aux, and a
percpu analog), loads them into the running kernel, times them with
BPF_PROG_TEST_RUN, converts ns to cycles with a clock ruler, and prints the
measured cycles per call site beside the timing models' predictions for the
same bytes. Needs root (bpf()); without it, prints why and shows the model.

options:
  --cpu-model ID     timing model CPU (default ${D.cpuModel}; the IDs are listed by
                     'bpfexc models')
  --sites N          call sites per program (default ${D.sites})
  --loads N          rounds: fresh loads of every variant (default ${D.loads})
  --runs N           PROG_TEST_RUN calls per variant per round (default ${D.runsPerLoad})
  --repeat N         runs averaged in the kernel per call (default ${D.repeat})
  --tier TIER        executor of the model side: ${EXECUTION_TIERS.join(' or ')}
                     (default ${DEFAULT_TIER}); the predictions are the same on
                     every tier, JSON records which one ran in provenance.tier
  --format F         text or json (default text)
  --out DIR          where the JSON goes (default results/calibration/)
  --no-kernel        model only`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('calibrate', argv, {
      'cpu-model': { type: 'string' },
      sites: { type: 'string' },
      loads: { type: 'string' },
      runs: { type: 'string' },
      repeat: { type: 'string' },
      format: { type: 'string' },
      tier: { type: 'string' },
      out: { type: 'string' },
      'no-kernel': { type: 'boolean' },
    });
    if (positionals.length) throw new BpfError('usage', `calibrate takes no positional arguments (got '${positionals[0]}')`);
    // Checked before the kernel is opened, as every other option is.
    const tier = parseTier(values.tier);
    const cpuModel = values['cpu-model'] ?? D.cpuModel;
    if (!cpuModelById(cpuModel)) throw new BpfError('usage', `--cpu-model must be one of ${CPU_MODELS.map((m) => m.id).join(', ')}, not '${cpuModel}'`);
    const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
    const progress = process.stderr.isTTY ? (done: number, total: number) => process.stderr.write(`\rcalibrate: round ${done}/${total}${done === total ? '\n' : ''}`) : undefined;
    const doc = await runCalibration({
      sites: intOption('sites', values.sites, D.sites, 1),
      loads: intOption('loads', values.loads, D.loads, 1),
      runsPerLoad: intOption('runs', values.runs, D.runsPerLoad, 1),
      repeat: intOption('repeat', values.repeat, D.repeat, 1),
      cpuModel,
      tier,
      command: ['bpfexc', 'calibrate', ...argv].join(' '),
      noKernel: values['no-kernel'] ?? false,
      onRound: progress,
    });
    const path = writeCalibration(doc, values.out);
    if (format === 'json') {
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else if (!doc.kernel && doc.model.predicted.length === 0) {
      process.stdout.write(`calibrate: kernel not measured (${doc.kernelUnavailable}); ${doc.model.unavailable}\n`);
    } else {
      process.stdout.write(formatCalibration(doc) + `\nwritten   ${path}\n`);
    }
    return 0;
  },
};
