// Which map a helper call's r1 holds when the map's lddw is not just before the call: the
// verifier tracks a CONST_PTR_TO_MAP through register moves, stack spills, branches and
// bpf-to-bpf call arguments (kernel/bpf/verifier.c), and compiled code uses all of them
// (a map chosen on two paths, a map passed to a static function, a map pointer spilled
// across a helper call). This is that tracking reduced to what pricing needs, the map's
// type: a forward pass over the program's control flow in which each register and each
// 8-byte stack slot of the current frame holds a map type, a callback's address
// (`fn:<pc>`), or null for anything else (or for values that differ between paths).
// bpf_for_each_map_elem's callback starts with the walked map in r1, as the verifier's
// set_map_elem_callback_state() gives it.

import type { LoadedProgram } from '../exec/decoded.ts';
import { F_DST, F_IMM, F_OFF, F_SRC, F_TARGET, STRIDE } from '../layout/decoded-row.ts';
import { BPF_FUNC } from './helper-ids.ts';

type Slot = string | null;

interface FlowState {
  regs: Slot[];
  /** r10-relative offset -> what an 8-byte spill there holds. */
  stack: Map<number, Slot>;
}

const FP = 10;

function unknownState(): FlowState {
  return { regs: new Array<Slot>(11).fill(null), stack: new Map() };
}

function copy(s: FlowState): FlowState {
  return { regs: [...s.regs], stack: new Map(s.stack) };
}

/** Joins `from` into `into`; true when `into` changed. */
function join(into: FlowState, from: FlowState): boolean {
  let changed = false;
  for (let r = 0; r < into.regs.length; r++) {
    if (into.regs[r] !== null && into.regs[r] !== from.regs[r]) {
      into.regs[r] = null;
      changed = true;
    }
  }
  for (const [off, v] of into.stack) {
    if (v !== null && from.stack.get(off) !== v) {
      into.stack.set(off, null);
      changed = true;
    }
  }
  return changed;
}

const flows = new WeakMap<LoadedProgram, (FlowState | undefined)[]>();

/** The state before each slot (undefined: not reached from the entry or a callback). */
function flowOf(loaded: LoadedProgram): (FlowState | undefined)[] {
  const known = flows.get(loaded);
  if (known) return known;
  const { code, specs, slots } = loaded;
  const before: (FlowState | undefined)[] = new Array(slots);
  const mapAt = new Map<number, Slot>(loaded.relocs.filter((r) => r.kind === 'map').map((r) => [r.pc, loaded.program.maps[r.index]?.type ?? null]));
  for (const r of loaded.relocs) if (r.kind === 'func') mapAt.set(r.pc, `fn:${r.index}`);
  const work: number[] = [];
  const reach = (pc: number, s: FlowState): void => {
    if (pc < 0 || pc >= slots) return;
    const cur = before[pc];
    if (!cur) {
      before[pc] = copy(s);
      work.push(pc);
    } else if (join(cur, s)) work.push(pc);
  };
  // The entry starts knowing nothing; functions reached by calls start with what their
  // callers pass, callbacks with what the helper that runs them passes. A callback whose
  // address is taken but never seen handed to a helper starts knowing nothing too.
  reach(0, unknownState());
  const callbacks = loaded.relocs.filter((r) => r.kind === 'func').map((r) => r.index);
  for (;;) {
    drain();
    const unreached = callbacks.find((pc) => !before[pc]);
    if (unreached === undefined) break;
    reach(unreached, unknownState());
  }
  flows.set(loaded, before);
  return before;

  function drain(): void {
  while (work.length > 0) {
    const pc = work.pop()!;
    const s = copy(before[pc]!);
    const spec = specs[pc];
    if (!spec) continue;
    const row = pc * STRIDE;
    const dst = code[row + F_DST];
    const src = code[row + F_SRC];
    const off = code[row + F_OFF];
    switch (spec.form) {
      case 'lddw':
        s.regs[dst] = mapAt.get(pc) ?? null;
        reach(pc + 2, s);
        continue;
      case 'off':
      case 'imm-target':
        reach(code[row + F_TARGET], s);
        continue;
      case 'dst,imm,off':
      case 'dst,src,off':
        reach(code[row + F_TARGET], s);
        reach(pc + 1, s);
        continue;
      case 'none':
        continue; // exit
      case 'local': {
        const callee = unknownState();
        for (let r = 1; r <= 5; r++) callee.regs[r] = s.regs[r];
        reach(code[row + F_TARGET], callee);
        for (let r = 0; r <= 5; r++) s.regs[r] = null;
        reach(pc + 1, s);
        continue;
      }
      case 'helper':
      case 'kfunc':
      case 'callx': {
        const fn = s.regs[2];
        if (spec.form === 'helper' && fn?.startsWith('fn:')) {
          const entry = unknownState();
          if (code[row + F_IMM] === BPF_FUNC.for_each_map_elem) entry.regs[1] = s.regs[1];
          reach(Number(fn.slice(3)), entry);
        }
        for (let r = 0; r <= 5; r++) s.regs[r] = null;
        reach(pc + 1, s);
        continue;
      }
      case 'load':
        s.regs[dst] = spec.mnemonic === 'ldxdw' && src === FP ? (s.stack.get(off) ?? null) : null;
        reach(pc + 1, s);
        continue;
      case 'store-reg':
      case 'store-imm':
        if (dst === FP) s.stack.set(off, spec.mnemonic === 'stxdw' ? s.regs[src] : null);
        reach(pc + 1, s);
        continue;
      case 'atomic':
        s.regs[0] = null;
        s.regs[src] = null;
        if (dst === FP) s.stack.set(off, null);
        reach(pc + 1, s);
        continue;
      case 'dst,src':
        s.regs[dst] = spec.mnemonic === 'mov' && spec.width === 64 && off === 0 ? s.regs[src] : null;
        reach(pc + 1, s);
        continue;
      default:
        // Every other form with a destination writes it with something that is not a map.
        if (spec.form.startsWith('dst')) s.regs[dst] = null;
        else s.regs[0] = null;
        reach(pc + 1, s);
    }
  }
  }
}

/** The type of the map in r1 at the call at `pc`, when every path to it agrees. */
export function mapTypeInR1(loaded: LoadedProgram, pc: number): string | undefined {
  const held = flowOf(loaded)[pc]?.regs[1];
  return held && !held.startsWith('fn:') ? held : undefined;
}
