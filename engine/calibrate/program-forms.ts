// A whole program (a built-in workload or an ELF object) in the forms calibration loads
// into the kernel: as it is (`none`) and each check strategy's loadable form (the
// substitutions of loadable-form.ts), plus the input both the kernel and the executor run
// it on. The bytes built here are the bytes the kernel loads and the timing model runs.
import { BpfError } from '../errors.ts';
import { INSN_SIZE } from '../isa/encoding.ts';
import { KFUNC_ID } from '../isa/internal-ids.ts';
import { PACKET_PROG_TYPES, PROG_TYPE, type KernelProgType } from '../kernel/uapi.ts';
import type { Program } from '../program.ts';
import { buildCallGraph } from '../strategies/call-graph.ts';
import { defaultRewriteEnv, strategyByName } from '../strategies/index.ts';
import { resolveSites } from '../strategy-run.ts';
import { FLAG_MAP, percpuAnalog, substitute } from './loadable-form.ts';

export const PROGRAM_STRATEGIES = ['none', 'call', 'stack', 'aux', 'percpu'] as const;
export type ProgramStrategy = (typeof PROGRAM_STRATEGIES)[number];

/** What a program is run on: the kernel's PROG_TEST_RUN arguments and the executor's ctx,
 * describing one input. */
export interface ProgramRunInput {
  /** data_in (packet types). */
  data?: Uint8Array;
  /** ctx_in (raw_tp args, syscall ctx). */
  kernelCtx?: Uint8Array;
  /** What r1 points at in the executor. */
  executorCtx?: Uint8Array;
  /** How the input was derived, when it differs from what the caller gave. */
  note?: string;
}

export interface ProgramForm {
  strategy: ProgramStrategy;
  /** Loaded into the kernel and run by the model. */
  program: Program;
  /** The main program keeps the kernel's bpf_throw, so the JIT makes it an exception
   * boundary (pushes callee-saved registers on every run); the model is told the same. */
  exceptionBoundary: boolean;
  /** The branch of the percpu analog is the hot path on CPU 0 only. */
  needsCpu0: boolean;
  /** Differs in shape from the strategy (the percpu analog). */
  faithful: boolean;
  substitutions: string[];
}

/** The kernel refuses skb test runs shorter than an Ethernet header (net/bpf/test_run.c
 * bpf_test_init: size < ETH_HLEN is -EINVAL). */
const ETH_HLEN = 14;

export function callsBpfThrow(p: Program): boolean {
  return buildCallGraph(p).calls.some((c) => c.isThrow);
}

/** The kernel program type for PROG_TEST_RUN, or why there is none. */
export function kernelProgType(p: Program): KernelProgType | { reason: string } {
  if (p.type in PROG_TYPE) return p.type as KernelProgType;
  return { reason: `program type '${p.type}' cannot be run with BPF_PROG_TEST_RUN here (supported: ${Object.keys(PROG_TYPE).join(', ')})` };
}

/** The input for both sides. xdp, tc and socket: the context is the packet, data_in on
 * both sides (the executor builds struct xdp_md / __sk_buff over it as the kernel's test
 * run does); an skb packet shorter than an Ethernet header, which the kernel refuses
 * (EINVAL), is zero-padded to ETH_HLEN on both sides. raw_tp and syscall: the context
 * bytes are ctx_in on both sides. */
export function runInput(type: KernelProgType, ctx: Uint8Array | undefined): ProgramRunInput {
  if (type === 'xdp') return { data: ctx ?? new Uint8Array(64), executorCtx: ctx ?? new Uint8Array(64) };
  if (PACKET_PROG_TYPES.has(type)) {
    const given = ctx ?? new Uint8Array(64);
    if (given.length >= ETH_HLEN) return { data: given, executorCtx: given };
    const data = new Uint8Array(ETH_HLEN);
    data.set(given);
    return { data, executorCtx: data, note: `packet of ${given.length} bytes zero-padded to ETH_HLEN = ${ETH_HLEN} on both sides (the kernel refuses shorter skb test runs)` };
  }
  return { kernelCtx: ctx, executorCtx: ctx };
}

/** The program in `strategy`'s loadable form, with the flag map appended to its maps. */
export function programForm(p: Program, strategy: ProgramStrategy): ProgramForm {
  const throws = callsBpfThrow(p);
  // As the suite's runs choose: checks after call sites that may throw when the program
  // throws at all, else after every call site.
  const env = defaultRewriteEnv({ sites: resolveSites({ sites: 'auto', program: p }) });
  const flagMap = p.maps.length;
  const maps = [...p.maps, FLAG_MAP];
  const name = `${p.name.slice(0, 10)}_${strategy.slice(0, 4)}`; // BPF_OBJ_NAME_LEN
  if (strategy === 'none') {
    return { strategy, program: { ...p, name }, exceptionBoundary: throws, needsCpu0: false, faithful: true, substitutions: [] };
  }
  if (strategy === 'percpu') {
    const a = percpuAnalog(p, env, 'stack');
    return { strategy, program: { ...p, name, insns: a.insns, symbols: a.symbols, maps }, exceptionBoundary: throws, needsCpu0: true, faithful: false, substitutions: [...a.notes] };
  }
  const strat = strategyByName(strategy);
  if (!strat) throw new Error(`no strategy ${strategy}`);
  const rewrite = strat.rewrite(p, env);
  const s = substitute(rewrite, env, { flagMap, throws });
  return { strategy, program: { ...rewrite.program, name, insns: s.insns, symbols: s.symbols, maps }, exceptionBoundary: false, needsCpu0: false, faithful: true, substitutions: [...s.notes] };
}

/** An empty program of the same type (`r0 = 0; exit`): PROG_TEST_RUN's own cost per run
 * (the loop, the indirect call into the image, the context setup) is what it measures. */
export function emptyProgram(p: Program): Program {
  const insns = new Uint8Array(2 * INSN_SIZE);
  insns.set([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]); // mov r0, 0; exit
  return { name: `${p.name.slice(0, 9)}_empty`, source: `${p.source} (empty program of the same type)`, insns, maps: [], type: p.type };
}

/** Checks that the kfunc the suite numbers is the only one the program calls. */
export function unknownKfunc(p: Program): string | undefined {
  const bad = buildCallGraph(p).calls.find((c) => c.kind === 'kfunc' && !Object.keys(KFUNC_ID).includes(c.target));
  return bad ? `calls ${bad.target}, a kfunc the suite has no id for` : undefined;
}

export function formOrSkip(p: Program, strategy: ProgramStrategy): ProgramForm | { skipped: string } {
  try {
    return programForm(p, strategy);
  } catch (e) {
    if (e instanceof BpfError) return { skipped: `${strategy}: ${e.message}` };
    throw e;
  }
}
