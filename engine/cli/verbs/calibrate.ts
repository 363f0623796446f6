import { parseMitigations } from '../../cpus/mitigations.ts';
import { chooseCpuModel } from '../../cpus/host-model.ts';
import { BpfError } from '../../errors.ts';
import { DEFAULT_CALIBRATION, LATEST, runCalibration, writeCalibration } from '../../calibrate/run-calibration.ts';
import { formatCalibration } from '../../calibrate/report.ts';
import { KIND_ORDER, kindRunners } from '../../calibrate/kinds.ts';
import { readRecorded, rejudgeCalibration } from '../../calibrate/rejudge.ts';
import { DEFAULT_TIER, EXECUTION_TIERS } from '../../exec/index.ts';
import { parseTier } from '../../experiment/index.ts';
import { readCpuIdentity } from '../../kernel/host-info.ts';
import { hexBytesOption, intOption, oneOf, parseVerbArgs } from '../../inputs/options.ts';
import type { Verb } from './verb.ts';
import { builtInPrograms, runProgramCalibration } from './calibrate-programs.ts';
import { formatSection } from '../../calibrate/section-text.ts';

const D = DEFAULT_CALIBRATION;

/** The "round N/M" line on a terminal: redrawn in place, and erased (not left above the
 * table) once the rounds are over or the run fails. Nothing is drawn off a terminal. */
export function roundProgress(stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>): {
  onRound?: (done: number, total: number) => void;
  onProgress?: (label: string, done: number, total: number) => void;
  clear: () => void;
} {
  if (!stream.isTTY) return { clear: () => undefined };
  let drawn = false;
  return {
    onRound: (done, total) => {
      stream.write(`\r\x1b[Kcalibrate: round ${done}/${total}`);
      drawn = true;
    },
    onProgress: (label, done, total) => {
      stream.write(`\r\x1b[Kcalibrate: ${label} ${done}/${total}`);
      drawn = true;
    },
    clear: () => {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

export const calibrateVerb: Verb = {
  name: 'calibrate',
  summary: 'time the exception checks on the running kernel; model vs measured',
  help: `usage: bpfexc calibrate [options]

Times programs on the running kernel with BPF_PROG_TEST_RUN (cycles from a
clock ruler) and runs the same bytes through the timing model, kind by kind:
sites (N call sites, each followed by a strategy's check: none, call, stack,
aux and a percpu analog), helpers (every priced helper and map type, and the
checks after each), throws (bpf_throw through 1..8 frames), sizes (64..2048
call sites) and programs (every built-in workload). Each row: kernel median
[min..max] over rounds, model, and whether the model is within its target.
Needs root (bpf()) and a C compiler (cc) for its bpf() helper; without them
it says why, shows the model alone and exits 1.

options:
  --cpu-model ID     timing model CPU (default: the model closest to this
                     machine's CPU, marked in 'bpfexc models')
  --sites N          call sites per program (default ${D.sites})
  --loads N          rounds: fresh loads of every variant (default ${D.loads})
  --runs N           PROG_TEST_RUN calls per variant per round (default ${D.runsPerLoad})
  --repeat N         runs averaged in the kernel per call (default ${D.repeat})
  --tier TIER        executor of the model side: ${EXECUTION_TIERS.join(' or ')}
                     (default ${DEFAULT_TIER}); the predictions are the same on
                     every tier, JSON records which one ran in provenance.tier
  --no-memo          run the ooo model unmemoised (for checking: the same
                     predictions; JSON records it as provenance.memo)
  --format F         text or json (default text)
  --out DIR          where the JSON goes (default results/calibration/): a
                     timestamped file and ${LATEST}; a run without kernel
                     measurements writes model-only.json instead
  --mitigations M    default (the model runs what a default kernel runs on
                     the CPU: zen3's SRSO safe-RET return thunk) or off (a
                     kernel booted with mitigations=off); match the kernel's
                     /sys/devices/system/cpu/vulnerabilities
  --kinds LIST       calibration kinds to run, comma-separated (default
                     all): ${KIND_ORDER.join(', ')};
                     'sites' always runs; 'programs' times every
                     built-in workload
  --no-kernel        model only
  --program P        whole-program calibration instead: a built-in workload
                     ('bpfexc workloads') or an ELF .o, repeatable or
                     comma-separated; loaded as it is and in each strategy's
                     loadable form, cycles per invocation kernel vs model
                     (rounds as --loads/--runs; --repeat default 2000 here)
  --mem HEX          context bytes for an object file given to --program
                     (default: 64 zero packet bytes, or zeroed raw_tp/syscall
                     context); built-in workloads bring their own
  --btf FILE         BTF that --program objects' CO-RE relocations resolve
                     against (default: /sys/kernel/btf/vmlinux)
  --recorded FILE    judge this commit's model against the kernel figures in
                     a calibration FILE written earlier (any host; no kernel
                     needed, nothing written): the programs are rebuilt and
                     predicted for FILE's CPU model and mitigations`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('calibrate', argv, {
      'cpu-model': { type: 'string' },
      sites: { type: 'string' },
      loads: { type: 'string' },
      runs: { type: 'string' },
      repeat: { type: 'string' },
      format: { type: 'string' },
      tier: { type: 'string' },
      'no-memo': { type: 'boolean' },
      out: { type: 'string' },
      'no-kernel': { type: 'boolean' },
      mitigations: { type: 'string' },
      kinds: { type: 'string' },
      recorded: { type: 'string' },
      program: { type: 'string', multiple: true },
      mem: { type: 'string' },
      btf: { type: 'string' },
    });
    if (positionals.length) throw new BpfError('usage', `calibrate takes no positional arguments (got '${positionals[0]}')`);
    // Checked before the kernel is opened, as every other option is.
    const tier = parseTier(values.tier);
    const memo = !values['no-memo'];
    const host = await readCpuIdentity();
    const choice = chooseCpuModel(values['cpu-model'], host);
    const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
    const noKernel = values['no-kernel'] ?? false;
    const mitigations = parseMitigations(values.mitigations);
    const kinds = kindRunners(values.kinds, { programs: builtInPrograms() });
    const options = {
      sites: intOption('sites', values.sites, D.sites, 1),
      loads: intOption('loads', values.loads, D.loads, 1),
      runsPerLoad: intOption('runs', values.runs, D.runsPerLoad, 1),
      repeat: intOption('repeat', values.repeat, D.repeat, 1),
    };
    if (values.recorded !== undefined) {
      // Judging recorded figures measures nothing and writes nothing: it prints.
      const doc = await rejudgeCalibration(readRecorded(values.recorded), { file: values.recorded, command: ['bpfexc', 'calibrate', ...argv].join(' '), tier, kinds, memo });
      process.stdout.write(format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : formatCalibration(doc) + '\n');
      return 0;
    }
    if (choice.notice) process.stderr.write(`bpfexc calibrate: ${choice.notice}\n`);
    if (values.program?.length) {
      // Whole programs: their own path until the calibration document takes every kind.
      const section = await runProgramCalibration({
        programs: values.program,
        mem: values.mem === undefined ? undefined : hexBytesOption('mem', values.mem),
        btf: values.btf,
        cpuModel: choice.chosen,
        mitigations,
        tier,
        memo,
        noKernel,
        loads: intOption('loads', values.loads, 5, 1),
        runsPerLoad: intOption('runs', values.runs, 5, 1),
        repeat: intOption('repeat', values.repeat, 2000, 1),
      });
      process.stdout.write(format === 'json' ? JSON.stringify(section, null, 2) + '\n' : formatSection(section) + '\n');
      return section.rows.some((r) => r.measured) || noKernel ? 0 : 1;
    }
    const progress = roundProgress(process.stderr);
    let doc;
    try {
      doc = await runCalibration({
        ...options,
        cpuModel: values['cpu-model'],
        host,
        tier,
        memo,
        command: ['bpfexc', 'calibrate', ...argv].join(' '),
        noKernel,
        mitigations,
        kinds,
        onRound: progress.onRound,
        onProgress: progress.onProgress,
      });
    } finally {
      progress.clear();
    }
    const written = writeCalibration(doc, values.out);
    if (format === 'json') {
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else {
      const where = written.latest
        ? `written   ${written.path} and ${LATEST}`
        : `written   ${written.path}\n          (model only: ${LATEST} is left to runs that measure the kernel)`;
      process.stdout.write(formatCalibration(doc) + `\n${where}\n`);
    }
    if (!doc.kernel && !noKernel) {
      // Nothing was measured, which is what calibrate is for: a failure for scripts too.
      process.stderr.write(`bpfexc calibrate: nothing measured on the kernel: ${doc.kernelUnavailable ?? 'unknown reason'}\n`);
      return 1;
    }
    return 0;
  },
};
