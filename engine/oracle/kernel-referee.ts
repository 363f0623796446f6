// The running kernel as referee of one program: the bytes bpfexc runs are loaded with
// bpf(BPF_PROG_LOAD) (maps created in the kernel, BTF func_info for subprograms,
// bpf-syscall.ts), run once with BPF_PROG_TEST_RUN on the same input, and the kernel's
// r0 and output packet are compared with the executor's. Where the verifier refuses the
// program the verdict says so with the first lines of its log: a user benchmarking it
// must know the kernel would never run it.
//
// Input, as net/bpf/test_run.c takes it: packet programs (xdp, tc, socket) get the packet
// as data_in (bpf_prog_test_run_xdp / bpf_prog_test_run_skb build the xdp_buff / skb
// around it) and the executor the same bytes as the packet its context describes;
// raw_tracepoint and syscall programs get the context bytes as ctx_in on both sides.
import { BpfError } from '../errors.ts';
import { vmlinuxFuncIds } from '../elf/vmlinux-btf.ts';
import { defaultHelpers, instantiate, loadProgram, DEFAULT_MAX_INSNS, type ExecutionTier, type RunResult } from '../exec/index.ts';
import { WORLD_KINDS } from '../exec/world.ts';
import { hex } from '../hex.ts';
import type { Program } from '../program.ts';
import { isRejected, type KernelHandle, type KernelMap, type LoadedProgram as KernelProgram } from '../kernel/bpf-syscall.ts';
import { callsKfuncs, resolveKfuncCalls } from '../kernel/kfunc-ids.ts';
import type { ElfFile } from '../elf/elf64.ts';
import { objectFuncInfo } from '../inputs/object-func-info.ts';
import { OBJ_NAME_LEN, PACKET_PROG_TYPES, PROG_TYPE, type KernelProgType } from '../kernel/uapi.ts';

/** How one program fared: ordered from best to worst, so a run's exit status is its
 * worst verdict. */
export const REFEREE_OUTCOMES = ['agrees', 'kernel-cannot-run', 'rejected', 'disagrees'] as const;
export type RefereeOutcome = (typeof REFEREE_OUTCOMES)[number];

export interface RefereeVerdict {
  /** Where the program came from (file:section). */
  program: string;
  outcome: RefereeOutcome;
  /** The one line a user reads. */
  line: string;
  /** r0 as the kernel reports it (BPF_PROG_TEST_RUN retval, a u32). */
  kernelR0?: number;
  /** r0 as bpfexc computed it (64-bit, hex). */
  bpfexcR0?: string;
  /** Output packet lengths, where the type has a packet. */
  kernelPacketBytes?: number;
  bpfexcPacketBytes?: number;
  /** What differs (r0, packet length, first differing packet byte). */
  differences?: string[];
  /** The first lines of the verifier log (rejected), or why the kernel could not run it. */
  reason?: string;
  /** World inputs the bpfexc run read (time, random, cpu, task): the kernel's differ, so a
   * disagreement may come from them rather than from the semantics. */
  worldInputs?: string[];
}

export interface RefereeOptions {
  /** What r1 describes: the packet (xdp, tc, socket) or the context bytes. */
  ctx?: Uint8Array;
  seed?: number;
  tier?: ExecutionTier;
  maxInsns?: number;
  /** Verifier log lines shown when the kernel rejects the program. */
  logLines?: number;
  /** The object the program was linked from. The kernel then gets the object's own BTF as
   * the program's func_info, as libbpf loads it: the exception callback's real prototype
   * and decl tags, and the local type ids bpf_obj_new needs. */
  object?: ElfFile;
}

/** Headroom the kernel's copy-out may need past the input packet (bpf_xdp_adjust_tail
 * grows into the tailroom; the kernel reports ENOSPC and truncates when data_out is
 * short, which the runner passes through as a shorter copy). */
const PACKET_OUT_SLACK = 4096;
const DEFAULT_LOG_LINES = 3;
const ETH_HLEN = 14;

/** The kernel program type PROG_TEST_RUN drives for `p`, or undefined. */
export function kernelTypeOf(p: Program): KernelProgType | undefined {
  return p.type in PROG_TYPE ? (p.type as KernelProgType) : undefined;
}

/** A BPF_OBJ_NAME_LEN-safe program name: the kernel accepts [A-Za-z0-9_.] only
 * (kernel/bpf/syscall.c bpf_obj_name_cpy). */
export function kernelProgramName(p: Program): string {
  return p.name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, OBJ_NAME_LEN - 1) || 'bpfexc';
}

/** The verifier log's last meaningful lines: the kernel prints the reason at the end
 * (after the instruction trace at level 1), so the tail says why. */
export function verifierReason(log: string, lines = DEFAULT_LOG_LINES): string {
  const all = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^processed \d+ insns/.test(l) && !/^verification time/.test(l) && !/^stack depth/.test(l));
  return all.slice(-lines).join(' | ') || '(empty verifier log)';
}

interface ExecutorSide {
  result?: RunResult;
  error?: string;
}

function runExecutor(p: Program, opts: RefereeOptions): ExecutorSide {
  try {
    const loaded = loadProgram(p, { helpers: defaultHelpers });
    const inst = instantiate(loaded, { seed: opts.seed ?? 1, tier: opts.tier });
    return { result: inst.run({ ctx: opts.ctx, maxInsns: opts.maxInsns ?? DEFAULT_MAX_INSNS }) };
  } catch (e) {
    if (e instanceof BpfError) return { error: e.message };
    throw e;
  }
}

/** The part of an output packet BPF_PROG_TEST_RUN reports faithfully: for socket
 * filters the run starts at the network header and the kernel zeroes the Ethernet header
 * it pushes back before copying data_out (net/bpf/test_run.c bpf_prog_test_run_skb,
 * `!is_l2`), so those bytes say nothing about the program. */
export function comparedPacketBytes(type: KernelProgType, packet: Uint8Array): Uint8Array {
  return type === 'socket' ? packet.subarray(Math.min(ETH_HLEN, packet.length)) : packet;
}

/** The packet the executor leaves: for packet programs the context region is the packet. */
function executorPacketOut(r: RunResult): Uint8Array {
  return r.ctx;
}

function worldInputs(r: RunResult): string[] {
  return WORLD_KINDS.filter((k) => r.world.values(k).length > 0);
}

function firstDifference(a: Uint8Array, b: Uint8Array): string | undefined {
  // Offsets name bytes of the compared part (after the Ethernet header for socket filters).
  if (a.length !== b.length) return `packet length kernel ${a.length} vs bpfexc ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return `packet byte ${i}: kernel 0x${a[i].toString(16).padStart(2, '0')} vs bpfexc 0x${b[i].toString(16).padStart(2, '0')}`;
  }
  return undefined;
}

/** func_info from the program's object, or none where the object has no usable BTF (then
 * the kernel load synthesises it, see kernel/func-info.ts). */
function objectBtfFuncInfo(object: ElfFile | undefined, p: Program) {
  if (!object || !p.symbols) return undefined;
  try {
    return objectFuncInfo(object, p.symbols);
  } catch (e) {
    if (e instanceof BpfError) return undefined;
    throw e;
  }
}

/** Loads `p` into the kernel, test-runs it on `opts.ctx` and compares with bpfexc's run
 * of the same bytes on the same input. Never throws for what the program or the kernel
 * does; BpfErrors become verdicts. */
export async function refereeProgram(k: KernelHandle, p: Program, opts: RefereeOptions = {}): Promise<RefereeVerdict> {
  const program = p.source;
  const type = kernelTypeOf(p);
  const exec = runExecutor(p, opts);
  const bpfexcR0 = exec.result ? hex(exec.result.r0) : undefined;
  const base = { program, ...(bpfexcR0 !== undefined ? { bpfexcR0 } : {}) };
  if (!type) {
    const reason = `program type '${p.type}' has no BPF_PROG_TEST_RUN here (kernel-runnable: ${Object.keys(PROG_TYPE).join(', ')})`;
    return { ...base, outcome: 'kernel-cannot-run', reason, line: `kernel cannot run this program: ${reason}` };
  }
  const packetType = PACKET_PROG_TYPES.has(type);
  // Tail-call targets named by prog_array slots: loaded first, sharing the maps (by
  // name) with the program, and put in their slots as libbpf's init_prog_array_slots()
  // does, so both sides run the same chain.
  const tail = await loadTailCallTargets(k, p, opts);
  if ('refused' in tail) return { ...base, ...tail.refused };
  let insns: Uint8Array;
  try {
    insns = callsKfuncs(p.insns) ? resolveKfuncCalls(p.insns, await vmlinuxFuncIds(), p.source) : p.insns;
  } catch (e) {
    await tail.release();
    if (!(e instanceof BpfError)) throw e;
    return { ...base, outcome: 'kernel-cannot-run', reason: e.detail, line: `kernel cannot run this program: ${e.detail}` };
  }
  let loadedOrRejected;
  try {
    const funcInfo = objectBtfFuncInfo(opts.object, p);
    loadedOrRejected = await k.load(insns, { progType: type, maps: tail.maps(p), name: kernelProgramName(p), sleepable: p.sleepable, ...(funcInfo ? { funcInfo } : {}), ...(p.exceptionCallback !== undefined ? { exceptionCallback: p.exceptionCallback } : {}) });
  } catch (e) {
    await tail.release();
    if (!(e instanceof BpfError)) throw e;
    return { ...base, outcome: 'kernel-cannot-run', reason: e.detail, line: `kernel cannot load this program: ${e.detail}` };
  }
  if (isRejected(loadedOrRejected)) {
    await tail.release();
    const reason = `${loadedOrRejected.errno}: ${verifierReason(loadedOrRejected.log, opts.logLines)}`;
    return { ...base, outcome: 'rejected', reason, line: `kernel verifier REJECTS this program (${reason})` };
  }
  const prog = loadedOrRejected;
  let run;
  try {
    const input = opts.ctx ?? (packetType ? new Uint8Array(64) : undefined);
    run = await k.testRun(prog, packetType ? { data: input, dataOutSize: (input?.length ?? 0) + PACKET_OUT_SLACK } : { ctx: input });
  } catch (e) {
    if (!(e instanceof BpfError)) throw e;
    // bpf_test_init (net/bpf/test_run.c) refuses packets shorter than an Ethernet header.
    let short = packetType && (opts.ctx?.length ?? 64) < ETH_HLEN ? ` (the input is ${opts.ctx?.length} bytes; packet test runs need at least ETH_HLEN = ${ETH_HLEN})` : '';
    // bpf_prog_test_run_syscall refuses a ctx shorter than the program's largest context
    // offset (prog->aux->max_ctx_offset).
    if (type === 'syscall') short = ` (the context is ${opts.ctx?.length ?? 0} bytes; a syscall test run needs at least as many as the program reads)`;
    const reason = e.detail + short;
    return { ...base, outcome: 'kernel-cannot-run', reason, line: `kernel loads this program but cannot test-run it: ${reason}` };
  } finally {
    await k.unload(prog);
    await tail.release();
  }
  const kernelR0 = run.retval >>> 0;
  const withKernel = { ...base, kernelR0, ...(packetType ? { kernelPacketBytes: run.dataOut.length } : {}) };
  if (!exec.result) {
    const line = `kernel DISAGREES: the kernel runs it (r0 ${kernelR0}) but bpfexc fails: ${exec.error}`;
    return { ...withKernel, outcome: 'disagrees', differences: [`bpfexc fails: ${exec.error}`], line };
  }
  const r = exec.result;
  const ours = Number(BigInt.asUintN(32, r.r0));
  const differences: string[] = [];
  if (ours !== kernelR0) differences.push(`r0 kernel ${kernelR0} vs bpfexc ${ours}`);
  let packetNote = '';
  let bpfexcPacketBytes: number | undefined;
  if (packetType) {
    const out = executorPacketOut(r);
    bpfexcPacketBytes = out.length;
    const d = firstDifference(comparedPacketBytes(type, run.dataOut), comparedPacketBytes(type, out));
    if (d) differences.push(d);
    else packetNote = `, packet ${out.length} bytes equal`;
  }
  const world = worldInputs(r);
  const worldNote = world.length ? ` (bpfexc read ${world.join('/')} inputs, which the kernel's differ from)` : '';
  const common = { ...withKernel, ...(bpfexcPacketBytes !== undefined ? { bpfexcPacketBytes } : {}), ...(world.length ? { worldInputs: world } : {}) };
  if (differences.length === 0) return { ...common, outcome: 'agrees', line: `kernel agrees: r0 ${kernelR0}${packetNote}` };
  return { ...common, outcome: 'disagrees', differences, line: `kernel DISAGREES: ${differences.join('; ')}${worldNote}` };
}

interface TailCallSetup {
  /** The maps a program of the object loads with: the shared ones where there are any. */
  maps(p: Program): readonly (Program['maps'][number] | KernelMap)[];
  /** Unloads the targets and closes the shared maps. */
  release(): Promise<void>;
}

/** Loads the programs `p`'s prog_array slots name (Program.tailCallTargets) with maps
 * shared by name with `p`, and fills the slots with their fds; or the verdict when one
 * cannot be loaded. Without slots to fill, nothing is shared. */
async function loadTailCallTargets(k: KernelHandle, p: Program, opts: RefereeOptions): Promise<TailCallSetup | { refused: Omit<RefereeVerdict, 'program'> }> {
  const slotted = p.maps.filter((m) => m.programSlots?.size);
  if (slotted.length === 0) return { maps: (q) => q.maps, release: async () => {} };
  const shared = new Map<string, KernelMap>();
  const targets: KernelProgram[] = [];
  const release = async (): Promise<void> => {
    for (const t of targets) await k.unload(t);
    for (const m of shared.values()) await k.closeMap(m);
  };
  // A perf_event_array gets its per-CPU events only where a load creates it.
  const maps = (q: Program) => q.maps.map((d) => shared.get(d.name) ?? d);
  const refused = async (outcome: RefereeOutcome, reason: string, line: string) => {
    await release();
    return { refused: { outcome, reason, line } };
  };
  try {
    for (const d of p.maps) if (d.type !== 'perf_event_array') shared.set(d.name, await k.createMap(d));
    const fdOf = new Map<string, number>();
    for (const def of slotted) {
      for (const [index, name] of def.programSlots!) {
        let fd = fdOf.get(name);
        if (fd === undefined) {
          const t = p.tailCallTargets?.get(name);
          if (!t) return await refused('kernel-cannot-run', `prog_array '${def.name}' slot ${index} names '${name}', which the object does not provide`, `kernel cannot run this program: prog_array '${def.name}' slot ${index} names a program the object does not provide`);
          const tType = kernelTypeOf(t);
          if (!tType) return await refused('kernel-cannot-run', `tail-call target '${name}' is a ${t.type} program`, `kernel cannot run this program: its tail-call target '${name}' is a ${t.type} program`);
          const insns = callsKfuncs(t.insns) ? resolveKfuncCalls(t.insns, await vmlinuxFuncIds(), t.source) : t.insns;
          const funcInfo = objectBtfFuncInfo(opts.object, t);
          const r = await k.load(insns, { progType: tType, maps: maps(t), name: kernelProgramName(t), sleepable: t.sleepable, ...(funcInfo ? { funcInfo } : {}), ...(t.exceptionCallback !== undefined ? { exceptionCallback: t.exceptionCallback } : {}) });
          if (isRejected(r)) {
            const reason = `tail-call target '${name}': ${r.errno}: ${verifierReason(r.log, opts.logLines)}`;
            return await refused('rejected', reason, `kernel verifier REJECTS this program's tail-call target (${reason})`);
          }
          targets.push(r);
          fd = r.fd;
          fdOf.set(name, fd);
        }
        const value = new Uint8Array(4);
        new DataView(value.buffer).setUint32(0, fd, true);
        await k.mapUpdate(shared.get(def.name)!, index, value);
      }
    }
  } catch (e) {
    if (!(e instanceof BpfError)) {
      await release().catch(() => undefined);
      throw e;
    }
    return await refused('kernel-cannot-run', e.detail, `kernel cannot load this program's tail-call targets: ${e.detail}`);
  }
  return { maps, release };
}

/** The worst outcome of a set of verdicts (agrees when there are none). */
export function worstOutcome(vs: readonly RefereeVerdict[]): RefereeOutcome {
  let worst = 0;
  for (const v of vs) worst = Math.max(worst, REFEREE_OUTCOMES.indexOf(v.outcome));
  return REFEREE_OUTCOMES[worst];
}
