import { existsSync, readFileSync } from 'node:fs';
import { conformanceHelpers, defaultHelpers, instantiate, loadProgram, DEFAULT_MAX_INSNS, DEFAULT_TIER, EXECUTION_TIERS, type ExecutionTier } from '../../exec/index.ts';
import { hex } from '../../hex.ts';
import { hexBytesOption, intOption, MAX_SEED, oneOf, parseVerbArgs, seedOption } from '../../inputs/options.ts';
import { objectContext, readProgramInput, type ProgramInput } from '../../inputs/program-input.ts';
import { loadBpfObject, type TailCallSlot } from '../../elf/bpf-object.ts';
import { PROGRAM_TYPES } from '../../program.ts';
import { looksLikeWorkloadName, unknownWorkload, workloadByName, type CatalogWorkload } from '../workload-catalog.ts';
import { BpfError } from '../../errors.ts';
import { DEFAULT_CPU_MODEL } from '../../cpus/index.ts';
import { parseCpuModelList, parseStrategyList, parseThrowRate, parseTier, SITE_SELECTIONS, TIMING_MODELS } from '../../experiment/index.ts';
import { collectProvenance } from '../../results/provenance.ts';
import { RESULT_SCHEMA, type ResultDocument } from '../../results/document.ts';
import { formatReport } from '../../report/format.ts';
import { parseMitigations } from '../../cpus/mitigations.ts';
import { readScenarioFile, SCENARIO_DEFAULTS } from '../../machine/index.ts';
import { formatRunsText } from '../../report/run-text.ts';
import { run, type RunSpec } from '../../run.ts';
import { traceLog } from '../../exec/helpers/trace-printk.ts';
import type { Verb } from './verb.ts';
import { REFEREE_HELP, refereeRun } from './run-referee.ts';


const FORMATS = ['text', 'json', 'csv', 'markdown'] as const;
/** Measured invocations per strategy and CPU model when none are asked for: enough for
 * a steady state and a throw rate of a few percent, and a few seconds for --strategy all. */
const DEFAULT_EXPERIMENT_INVOCATIONS = 1000;
/** Options that turn a plain run into a strategy experiment. */
const EXPERIMENT_OPTIONS = ['strategy', 'cpu-model', 'cpus', 'throw-rate', 'sites', 'model', 'format', 'mitigations'] as const;

const OPTIONS = {
  section: { type: 'string' },
  type: { type: 'string' },
  mem: { type: 'string' },
  packet: { type: 'string' },
  'max-insns': { type: 'string' },
  invocations: { type: 'string' },
  seed: { type: 'string' },
  strategy: { type: 'string' },
  'cpu-model': { type: 'string' },
  cpus: { type: 'string' },
  'throw-rate': { type: 'string' },
  sites: { type: 'string' },
  model: { type: 'string' },
  format: { type: 'string' },
  tier: { type: 'string' },
  'no-memo': { type: 'boolean' },
  mitigations: { type: 'string' },
  btf: { type: 'string' },
  'tail-call': { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
  referee: { type: 'string' },
} as const;

export const runVerb: Verb = {
  name: 'run',
  summary: 'run a program; with --strategy, measure the exception-check strategies',
  help: `usage: bpfexc run <program> [options]

<program> is a built-in workload (see 'bpfexc workloads'), an assembly file
(.s/.asm), a bpf_conformance .data file, or an ELF object from clang -target
bpf (.o). Without --strategy (or another strategy option) it runs the program
and prints r0 and the instructions executed.

options:
  --section NAME     one program of an .o, by section or function name (a
                     '?' no-autoload prefix may be left out); default: every
                     program of the object, one result each (as bpftool
                     prog loadall), status 1 if any of them fails
  --type TYPE        run every program of an .o as this program type,
                     whatever its section says (libbpf's set_type, for old
                     custom section names):
${wrapList(PROGRAM_TYPES.filter((t) => t !== 'raw'), 21, 80)}
  --mem HEX          context bytes r1 points at (r2 = their length); a .data
                     file's '-- mem' is the default. For skb programs (tc,
                     socket, cgroup_skb, lwt_*, sk_skb) the struct __sk_buff
                     given as the kernel's test run takes ctx_in: only mark,
                     priority, ingress_ifindex, ifindex, cb, tstamp, wire_len,
                     gso_segs, gso_size and hwtstamp may be non-zero
  --packet HEX       the packet of xdp and skb programs (r1 is struct xdp_md
                     or __sk_buff over it, as BPF_PROG_TEST_RUN builds it);
                     default: a 64-byte Ethernet/IPv4/UDP frame (a built-in
                     workload's own context, see 'bpfexc workloads')
  --max-insns N      instruction budget per invocation (default ${DEFAULT_MAX_INSNS})
  --invocations N    run N times on one instance (maps persist); default 1,
                     or ${DEFAULT_EXPERIMENT_INVOCATIONS} measured invocations with --strategy
  --seed N           seed of bpf_get_prandom_u32, 0..${MAX_SEED} (default 1)
  --btf FILE         BTF that an object's CO-RE relocations and typed __ksym
                     externs resolve against (default: the running kernel's
                     /sys/kernel/btf/vmlinux; without one, the offsets the
                     compiler emitted, with a notice)
  --tail-call MAP[I]=PROG
                     put program PROG of the same .o (function or section
                     name) in prog_array MAP's slot I before running, as a
                     loader's bpf_map_update_elem does (repeatable); slots an
                     object's '.values' names are filled anyway, as libbpf
                     fills them
  --tier TIER        executor: ${EXECUTION_TIERS.join(' or ')} (default ${DEFAULT_TIER});
                     every tier gives the same results, JSON records which
                     one ran in provenance.tier
  --verbose          also print the lines bpf_trace_printk wrote
${REFEREE_HELP}

strategy experiments (model cycles; see 'bpfexc strategies', 'bpfexc models'):
  --strategy LIST    none,call,stack,aux,percpu,unwind or all (default all)
  --cpu-model LIST   CPU models, e.g. zen5,skylake, or all (default ${DEFAULT_CPU_MODEL})
  --cpus N           simulated CPUs (1..64); above 1 the program runs on the
                     multi-CPU machine (the many-cpus scenario: task context,
                     no interrupts) and reports correctness, with failure
                     traces in text and under each run's 'machine' in json
  --throw-rate P     probability that an invocation throws, 0..1 (default 0);
                     only for workloads with a throw-rate knob (deep-assert)
  --sites WHICH      which call sites get a check: may-throw (the RFC's),
                     all-calls, or auto (default: may-throw when the program
                     can throw, else all-calls)
  --model KIND       timing model: ooo (default) or additive (for comparison)
  --no-memo          run the ooo model unmemoised (for checking: results are
                     identical; JSON records it as provenance.memo). The
                     multi-CPU machine always runs it unmemoised
  --mitigations M    default (what a default kernel runs on each CPU model:
                     zen3 returns go through the SRSO safe-RET thunk, icelake
                     through the ITS one) or off (the kernel's mitigations=off:
                     plain ret); records name it as returnThunk
  --format FMT       text (default), json (one bpfexc/result@1 document on
                     stdout), csv (one row per run) or markdown

Each strategy and CPU model runs one warm-up invocation, not counted, then
the measured ones; overheads are against strategy none with the same seed.

bpfexc run <scenario.json> runs a machine scenario (see benchmarks/scenarios):
CPUs, interrupts, preemption, sleeping; --strategy, --cpu-model, --seed,
--invocations, --throw-rate, --tier and --format apply. Multi-CPU records
give r0 of the first task-context invocation, and insns.executed and
call-site overheads summed over every invocation the machine ran
(machine.invocationsRun).`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('run', argv, OPTIONS);
    if (positionals.length !== 1) throw new BpfError('usage', 'run takes exactly one <program> (see bpfexc run --help)');
    // Checked before anything is read or run, as every other option is.
    const tier = parseTier(values.tier);
    if (values.referee !== undefined) {
      return refereeRun(positionals[0], { referee: values.referee, section: values.section, mem: values.mem, packet: values.packet, seed: seedOption(values.seed), maxInsns: intOption('max-insns', values['max-insns'], DEFAULT_MAX_INSNS, 1), tier, format: values.format ?? 'text', tailCalls: (values['tail-call'] ?? []).map(tailCallOption) });
    }
    const file = positionals[0].toLowerCase().endsWith('.json') ? readScenarioFile(positionals[0]) : undefined;
    const cpus = intOption('cpus', values.cpus, file?.cpus ?? 1, 1);
    if (cpus > 64) throw new BpfError('usage', `--cpus must be 1..64, not ${cpus}`);
    const targets = resolvePrograms(file?.program ?? positionals[0], values);
    const onMachine = file !== undefined || cpus > 1;
    const experiment = onMachine || EXPERIMENT_OPTIONS.some((o) => values[o] !== undefined);
    if (targets.length === 1 && !('refused' in targets[0])) {
      const { input, workload } = targets[0];
      return experiment ? runExperimentOf(input, workload, { values, argv, positionals, file, cpus, tier, name: positionals[0] }) : plainRun(input, values, tier);
    }
    // Several programs (an object without --section): each runs on its own; one that
    // cannot run or fails says so in one line and the others still run.
    const format = experiment ? oneOf('format', values.format, FORMATS, 'text') : 'text';
    let failed = 0;
    const allRuns: ReturnType<typeof run> = [];
    for (const [i, t] of targets.entries()) {
      if (i > 0 && format === 'text') process.stdout.write('\n');
      try {
        if ('refused' in t) throw new BpfError('elf', t.refused);
        if (!experiment) plainRun(t.input, values, tier);
        else if (format === 'text') runExperimentOf(t.input, undefined, { values, argv, positionals, file, cpus, tier, name: t.label });
        else allRuns.push(...run(experimentSpec(t.input, undefined, { values, argv, positionals, file, cpus, tier, name: t.label })));
      } catch (e) {
        if (!(e instanceof BpfError)) throw e;
        failed++;
        process.stderr.write(`bpfexc run: ${e.where.file ? '' : `${t.label}: `}${e.message.replace(/\s+/g, ' ')}\n`);
      }
    }
    if (format !== 'text') writeDocument(allRuns, format, argv, values, tier);
    return failed ? 1 : 0;
  },
};

interface ExperimentArgs {
  values: Values;
  argv: string[];
  positionals: string[];
  file: ReturnType<typeof readScenarioFile> | undefined;
  cpus: number;
  tier: ExecutionTier;
  /** What the records call the program: the argument, or file:section of one of several. */
  name: string;
}

function experimentSpec(input: ProgramInput, workload: CatalogWorkload | undefined, a: ExperimentArgs): RunSpec {
  const { values, file, cpus, tier, positionals } = a;
  const onMachine = file !== undefined || cpus > 1;
  if (input.ctxIn) throw new BpfError('usage', 'an __sk_buff context (--mem for an skb program) is taken by plain runs only; strategy experiments run on --packet', { file: input.program.source });
  const defaultInvocations = onMachine ? (file?.invocations ?? SCENARIO_DEFAULTS.invocations) : DEFAULT_EXPERIMENT_INVOCATIONS;
  const spec: RunSpec = {
    program: input.program,
    ctx: input.ctx,
    helperSet: input.helperSet,
    workloadName: workload?.name ?? file?.program ?? a.name,
    strategies: parseStrategyList(values.strategy ?? 'all'),
    cpuModels: parseCpuModelList(values['cpu-model'] ?? DEFAULT_CPU_MODEL),
    cpus,
    invocations: intOption('invocations', values.invocations, defaultInvocations, 1),
    seed: seedOption(values.seed),
    throwRate: values['throw-rate'] !== undefined ? parseThrowRate(values['throw-rate']) : (file?.throwRate ?? 0),
    throwKnob: workload?.throwKnob,
    sites: oneOf('sites', values.sites, SITE_SELECTIONS, 'auto'),
    model: oneOf('model', values.model, TIMING_MODELS, 'ooo'),
    maxInsns: intOption('max-insns', values['max-insns'], DEFAULT_MAX_INSNS, 1),
    tier,
    memo: !values['no-memo'],
    mitigations: parseMitigations(values.mitigations),
  };
  if (file) {
    const { cpus: _c, invocations: _n, throwRate: _t, program: _p, ...scenario } = file;
    spec.scenario = scenario;
  } else if (cpus > 1) {
    // Named after what the user typed, as the records and the text say.
    spec.scenario = { name: `${positionals[0]} on ${cpus} CPUs` };
  }
  return spec;
}

function runExperimentOf(input: ProgramInput, workload: CatalogWorkload | undefined, a: ExperimentArgs): number {
  const format = oneOf('format', a.values.format, FORMATS, 'text');
  const runs = run(experimentSpec(input, workload, a));
  if (format === 'text') {
    process.stdout.write(formatRunsText(runs, { tier: a.tier }));
    return 0;
  }
  writeDocument(runs, format, a.argv, a.values, a.tier);
  return 0;
}

function writeDocument(runs: ReturnType<typeof run>, format: (typeof FORMATS)[number], argv: string[], values: Values, tier: ExecutionTier): void {
  const doc: ResultDocument = {
    schema: RESULT_SCHEMA,
    provenance: collectProvenance(commandLine(argv), { seed: seedOption(values.seed), tier, memo: !values['no-memo'] }),
    runs,
  };
  if (format === 'json') process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else process.stdout.write(formatReport(doc, format));
}

type Values = ReturnType<typeof parseVerbArgs<typeof OPTIONS>>['values'];

type Target = { label: string; input: ProgramInput; workload?: CatalogWorkload } | { label: string; refused: string };

/** The program(s) to run: a built-in workload, a file's one program, or every program of
 * an object given without --section. */
function resolvePrograms(arg: string, values: Values): Target[] {
  const mem = values.mem === undefined ? undefined : hexBytesOption('mem', values.mem);
  const packet = values.packet === undefined ? undefined : hexBytesOption('packet', values.packet);
  const ctx = mem ?? packet;
  const forceType = values.type === undefined ? undefined : oneOf('type', values.type, PROGRAM_TYPES.filter((t) => t !== 'raw'), 'tc');
  const tailCalls = (values['tail-call'] ?? []).map(tailCallOption);
  if (tailCalls.length && !arg.toLowerCase().endsWith('.o')) throw new BpfError('usage', `--tail-call needs an ELF object (.o), whose programs fill the slots; '${arg}' is not one`);
  if (looksLikeWorkloadName(arg) && !existsSync(arg)) {
    const workload = workloadByName(arg);
    if (!workload) throw unknownWorkload(arg);
    const input = readProgramInput(workload.file, { section: values.section ?? workload.section, ctx: ctx ?? workload.context, mem, packet, forceType, btf: values.btf });
    // A built-in workload without a context runs on none, not on a default packet.
    if (ctx === undefined && workload.context === undefined) input.ctx = undefined;
    return [{ label: arg, input, workload }];
  }
  if (arg.toLowerCase().endsWith('.o') && values.section === undefined) {
    const bytes = readObjectBytes(arg);
    const { programs, unrecognised, notices } = loadBpfObject(bytes, arg, { forceType, tailCalls, ...(values.btf !== undefined ? { btf: { file: values.btf } } : {}) });
    if (programs.length + unrecognised.length > 1) {
      for (const line of notices) process.stderr.write(`notice: ${line}\n`);
      const out: Target[] = programs.map((program) => ({ label: program.source, input: { program, ...objectContext(program.type, { ctx, mem, packet }), helperSet: 'linux' } }));
      for (const u of unrecognised) out.push({ label: `${arg}:${u.section}`, refused: u.reason });
      return out;
    }
  }
  const input = readProgramInput(arg, { section: values.section, ctx, mem, packet, forceType, btf: values.btf, tailCalls });
  for (const line of input.notices ?? []) process.stderr.write(`notice: ${line}\n`);
  return [{ label: arg, input }];
}

/** --tail-call MAP[INDEX]=PROG. */
function tailCallOption(v: string): TailCallSlot {
  const m = /^([^[\]=]+)\[(\d+)\]=(.+)$/.exec(v);
  if (!m) throw new BpfError('usage', `--tail-call ${v}: expected MAP[INDEX]=PROGRAM, e.g. jmp_table[0]=exception_tail_call_target`);
  return { map: m[1], index: Number(m[2]), program: m[3] };
}

function readObjectBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new BpfError('usage', `cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['bpfexc', 'run', ...argv].map(quote).join(' ');
}

function plainRun(input: ProgramInput, values: Values, tier: ExecutionTier): number {
  const helpers = input.helperSet === 'conformance' ? conformanceHelpers : defaultHelpers;
  const loaded = loadProgram(input.program, { helpers });
  const instance = instantiate(loaded, { seed: seedOption(values.seed), tier });
  const maxInsns = intOption('max-insns', values['max-insns'], DEFAULT_MAX_INSNS, 1);
  const invocations = intOption('invocations', values.invocations, 1, 1);
  let executed = 0;
  let first: ReturnType<typeof instance.run> | undefined;
  for (let i = 0; i < invocations; i++) {
    const res = instance.run({ ctx: input.ctx, ctxIn: input.ctxIn, maxInsns });
    first ??= res;
    executed += res.insnsExecuted;
  }
  const res = first!;
  const lines = [
    `program       ${input.program.source} (${input.program.name}, ${input.program.insns.length / 8} slots)`,
    `r0            ${hex(res.r0)} (${BigInt.asIntN(64, res.r0)})`,
    `insns         ${res.insnsExecuted} executed` + (invocations > 1 ? ` (first run; ${executed} in ${invocations} runs)` : ''),
    `tier          ${instance.tier}`,
  ];
  if (res.thrown) lines.push(`thrown        cookie ${hex(res.thrown.cookie)}, ${res.thrown.frames} frame(s) unwound`);
  if (values.verbose) {
    // What bpf_trace_printk wrote over every invocation, as trace_pipe would show it.
    const log = traceLog(instance.state);
    for (const line of log.lines) lines.push(`trace_printk  ${line}`);
    if (log.dropped) lines.push(`trace_printk  (${log.dropped} more lines not kept)`);
  }
  if (res.redirect) lines.push(`redirect      ifindex ${res.redirect.ifindex}, flags ${hex(BigInt(res.redirect.flags))}`);
  const viaMap = instance.state.redirect;
  if (viaMap) lines.push(`redirect      ${viaMap.map}[${viaMap.index}] (bpf_redirect_map), flags ${hex(BigInt(viaMap.flags))}`);
  if (res.tunnelKey) {
    const tk = res.tunnelKey;
    lines.push(`tunnel key    id ${tk.tunnelId}, remote ${tk.remote.map((w) => hex(BigInt(w))).join(':')}${tk.ipv6 ? ' (IPv6)' : ''}, tos ${tk.tos}, ttl ${tk.ttl}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** Words joined by ", " in lines of at most `width` columns, each indented by `indent`. */
function wrapList(words: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, w] of words.entries()) {
    const word = w + (i < words.length - 1 ? ',' : '');
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}
