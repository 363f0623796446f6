// The shared driver of every strategy: find the call sites, decide which get a check
// (env.sites), ask the strategy for its sequences, and patch them in.

import type { RawInsn } from '../isa/encoding.ts';
import type { Program } from '../program.ts';
import { buildCallGraph, callMayThrow, type CallGraph, type CallInsn } from './call-graph.ts';
import type { RewriteEnv } from './env.ts';
import { argsSetAtEntry, deepestStackOffset, liveIn, SlotAllocator } from './frame.ts';
import { applyPatches, type Patch } from './patch.ts';
import { SLOT_ENTRY, SLOT_ORIGINAL, type CallSiteInfo, type RewriteResult } from './strategy.ts';

interface EntryContext {
  /** Function index (0 = main program). */
  fn: number;
  isMain: boolean;
  /** The function contains at least one check. */
  hasChecks: boolean;
  /** Registers live at the function's entry (bit r). */
  live: number;
  /** Registers the prologue must preserve: the arguments that are live at entry. */
  args: number;
}

/** The sequences one check-based strategy inserts. `outer` = frame 0 (main program). */
interface CheckSequences {
  entry(ctx: EntryContext): RawInsn[] | undefined;
  /** Instructions after a checked call (the call itself stays in place). */
  check(site: CallInsn, outer: boolean): RawInsn[];
  /** What a `call bpf_throw` becomes. */
  throwAt(outer: boolean): RawInsn[];
}

interface RewriteSetup {
  graph: CallGraph;
  slots: SlotAllocator;
  env: RewriteEnv;
}

const R0_R5 = 0b111111;
const R1_R5 = 0b111110;

/** Which call sites get a check (throw sites are reported separately). */
function selectSites(graph: CallGraph, env: RewriteEnv): { checked: Set<number> } {
  const anyTakenThrows = [...graph.addressTaken].some((f) => graph.mayThrow[f]);
  const checked = new Set<number>();
  graph.calls.forEach((c, k) => {
    if (c.isThrow) return;
    if (env.siteFilter && !env.siteFilter(c.pc)) return;
    if (env.sites === 'all-calls' || callMayThrow(c, graph.mayThrow, anyTakenThrows)) checked.add(k);
  });
  return { checked };
}

/** Strategies that rewrite nothing (`none`, `unwind`) still report the sites a check-based
 * strategy would check, so per-site costs line up across strategies. */
export function rewriteNothing(p: Program, env: RewriteEnv, exceptionBoundary: (g: CallGraph) => boolean): RewriteResult {
  const graph = buildCallGraph(p, env.helperName);
  const { checked } = selectSites(graph, env);
  const callSites: CallSiteInfo[] = [];
  graph.calls.forEach((c, k) => {
    if (!checked.has(k) && !c.isThrow) return;
    callSites.push({ pc: c.pc, rewrittenPc: c.pc, kind: c.kind, target: c.target, frame: c.fn === 0 ? 'outer' : 'inner', rewrite: 'none' });
  });
  const n = p.insns.length / 8;
  const origin = Int32Array.from({ length: n }, (_, i) => i);
  return {
    program: p,
    callSites,
    slotSite: new Int32Array(n).fill(SLOT_ORIGINAL),
    origin,
    exceptionBoundary: exceptionBoundary(graph),
    reservedStack: [],
  };
}

export function rewriteWithChecks(p: Program, env: RewriteEnv, build: (setup: RewriteSetup) => CheckSequences): RewriteResult {
  const graph = buildCallGraph(p, env.helperName);
  const slots = new SlotAllocator(deepestStackOffset(graph), p.source);
  const seq = build({ graph, slots, env });
  const { checked } = selectSites(graph, env);

  const patches: Patch[] = [];
  const sites: { call: CallInsn; rewrite: 'check' | 'throw' }[] = [];
  graph.calls.forEach((c, k) => {
    const outer = c.fn === 0;
    if (c.isThrow) {
      patches.push({ at: c.pc, role: 'site', replace: seq.throwAt(outer), tag: sites.length });
      sites.push({ call: c, rewrite: 'throw' });
    } else if (checked.has(k)) {
      patches.push({ at: c.pc, role: 'site', after: seq.check(c, outer), tag: sites.length });
      sites.push({ call: c, rewrite: 'check' });
    }
  });

  const fnHasChecks = graph.functions.map(() => false);
  for (const s of sites) if (s.rewrite === 'check') fnHasChecks[s.call.fn] = true;
  // The kernel hands the main program r1 (ctx) only; raw programs (conformance tests)
  // also get r2 (memory length) and may read r0..r5 as the executor initialised them.
  const setAtEntry = argsSetAtEntry(graph, p.type === 'raw' ? R0_R5 : 0b10);
  graph.functions.forEach((f, fn) => {
    const live = liveIn(graph, f);
    const isMain = fn === 0;
    const argMask = (isMain ? R0_R5 : R1_R5) & setAtEntry[fn];
    const entry = seq.entry({ fn, isMain, hasChecks: fnHasChecks[fn], live, args: live & argMask });
    if (entry && entry.length) patches.push({ at: f.start, role: 'entry', before: entry, tag: SLOT_ENTRY });
  });

  const r = applyPatches(p, patches);
  const slotSite = Int32Array.from(r.tag, (t) => (t === -1 ? SLOT_ORIGINAL : t));
  const callSites: CallSiteInfo[] = sites.map(({ call, rewrite }) => ({
    pc: call.pc,
    // A check keeps the call in place; a throw is replaced from the site start.
    rewrittenPc: r.siteStart[call.pc],
    kind: call.kind,
    target: call.target,
    frame: call.fn === 0 ? 'outer' : 'inner',
    rewrite,
  }));
  return { program: r.program, callSites, slotSite, origin: r.origin, exceptionBoundary: false, reservedStack: [...slots.taken] };
}

/** A load-based check with its unwind block inline, as the RFC places it: the hot path
 * takes `if r1 == 0 goto +k` over the block (x86: `test; je`). */
export function inlineLoadCheck(loadFlag: RawInsn[], unwind: RawInsn[], jeqOverBlock: (k: number) => RawInsn): RawInsn[] {
  return [...loadFlag, jeqOverBlock(unwind.length), ...unwind];
}
