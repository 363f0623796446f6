// Differential runs: one program on a referee (the running kernel: verifier, JIT and
// PROG_TEST_RUN) and on the executor under test, and a verdict on what came out.
//
// What is compared: the low 32 bits of r0 (PROG_TEST_RUN reports retval as a u32, so the
// kernel's upper half is not observable that way) and every byte of every entry of the
// program's one array map. The generated programs store all of r0..r9 (64-bit) and their
// stack area into the map before exiting, so the full registers are compared through it.

import { BpfError } from '../errors.ts';
import { DEFAULT_TIER, instantiate, loadProgram, type ExecutionTier } from '../exec/index.ts';
import { hex } from '../hex.ts';
import { isRejected, type KernelHandle } from '../kernel/bpf-syscall.ts';
import type { MapDef, Program } from '../program.ts';
import { VALUE_LAYOUT } from './program-generator.ts';

/** The unit a differential run takes: instructions plus the map they reference as map 0. */
export interface FuzzCase {
  insns: Uint8Array;
  map: MapDef;
  progType: 'socket';
}

export interface Observation {
  r0: bigint;
  /** How many low bits of r0 the side reports (the kernel: 32). */
  r0Bits: 32 | 64;
  /** Value bytes of map entries 0..maxEntries-1 after the run. */
  entries: Uint8Array[];
}

type RefereeResult = { accepted: true; obs: Observation } | { accepted: false; errno: string; log: string };

export interface Referee {
  readonly name: string;
  run(c: FuzzCase): Promise<RefereeResult>;
}

/** The implementation under test; throws on a load or run failure. */
export type Subject = (c: FuzzCase) => Observation;

export type Verdict =
  | { kind: 'agree'; referee: Observation; subject: Observation }
  | { kind: 'diverge'; differences: string[]; referee: Observation; subject: Observation }
  | { kind: 'kernel-rejected'; errno: string; log: string }
  | { kind: 'executor-error'; error: string; referee: Observation };

/** Instructions the executor may run per program; generated programs need a few hundred. */
const MAX_INSNS = 1_000_000;

export function caseProgram(c: FuzzCase, name = 'fuzz'): Program {
  return { name, source: name, insns: c.insns, maps: [c.map], type: c.progType };
}

/** The bpfexc executor on `tier`. The compiled tier generates code from the first
 * instruction (compileAfter 0), so fuzzing checks the generated code, not the interpreter
 * it starts from by default. */
export function tierSubject(tier: ExecutionTier): Subject {
  return (c) => {
    const inst = instantiate(loadProgram(caseProgram(c)), { seed: 1, tier, compileAfter: 0 });
    // The socket filter's packet: what the kernel side gets (64 zero bytes).
    const res = inst.run({ maxInsns: MAX_INSNS, ctx: new Uint8Array(64) });
    const map = inst.map(0) as unknown as { valueAt?: (index: number, cpu: number) => number };
    if (typeof map.valueAt !== 'function') throw new Error('executor array map has no valueAt()');
    const entries: Uint8Array[] = [];
    for (let i = 0; i < c.map.maxEntries; i++) {
      const off = map.valueAt(i, 0);
      entries.push(inst.mem.bytes.slice(off, off + c.map.valueSize));
    }
    return { r0: res.r0, r0Bits: 64, entries };
  };
}

/** The bpfexc executor on the default tier. */
export const executorSubject: Subject = tierSubject(DEFAULT_TIER);

/** The running kernel as referee. `load` then `testRun` on a 64-byte zero packet, then
 * each map entry read back; the program and its map are closed afterwards. */
export function kernelReferee(k: KernelHandle): Referee {
  return {
    name: `Linux ${k.info.release}`,
    async run(c) {
      const prog = await k.load(c.insns, { progType: c.progType, maps: [c.map], name: 'fuzz' });
      if (isRejected(prog)) return { accepted: false, errno: prog.errno, log: prog.log };
      try {
        const run = await k.testRun(prog);
        const entries: Uint8Array[] = [];
        for (let i = 0; i < c.map.maxEntries; i++) {
          const v = await k.mapLookup(prog.maps[0], i);
          if (!v) throw new BpfError('runtime', `array map entry ${i} is missing after the run`);
          entries.push(v);
        }
        return { accepted: true, obs: { r0: BigInt(run.retval >>> 0), r0Bits: 32, entries } };
      } finally {
        await k.unload(prog);
      }
    },
  };
}

/** Another Subject used as referee (tests: the executor judging a planted fault). */
export function subjectReferee(s: Subject, name = 'executor'): Referee {
  return {
    name,
    run(c) {
      try {
        return Promise.resolve({ accepted: true, obs: s(c) });
      } catch (e) {
        return Promise.resolve({ accepted: false, errno: 'EINVAL', log: (e as Error).message });
      }
    },
  };
}


function wordName(off: number): string {
  if (off < VALUE_LAYOUT.regs) return `data+${off}`;
  if (off < VALUE_LAYOUT.stack) return `saved r${(off - VALUE_LAYOUT.regs) >> 3}`;
  if (off < VALUE_LAYOUT.size) return `saved stack fp${-64 + (off - VALUE_LAYOUT.stack)}`;
  return `value+${off}`;
}

function u64At(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

/** Human-readable differences, empty when the observations agree. */
function compareObservations(ref: Observation, sub: Observation): string[] {
  const out: string[] = [];
  const bits = Math.min(ref.r0Bits, sub.r0Bits);
  if (BigInt.asUintN(bits, ref.r0) !== BigInt.asUintN(bits, sub.r0)) {
    out.push(`r0 (low ${bits} bits): referee ${hex(ref.r0, bits)}, executor ${hex(sub.r0, bits)}`);
  }
  const n = Math.max(ref.entries.length, sub.entries.length);
  for (let e = 0; e < n; e++) {
    const a = ref.entries[e];
    const b = sub.entries[e];
    if (!a || !b || a.length !== b.length) {
      out.push(`map entry ${e}: referee ${a?.length ?? 'no'} bytes, executor ${b?.length ?? 'no'} bytes`);
      continue;
    }
    for (let off = 0; off < a.length; off += 8) {
      let differs = false;
      for (let i = off; i < Math.min(off + 8, a.length); i++) differs ||= a[i] !== b[i];
      if (differs) out.push(`map entry ${e} ${wordName(off)}: referee ${hex(u64At(a, off), 64)}, executor ${hex(u64At(b, off), 64)}`);
    }
  }
  return out;
}

export async function runDifferential(c: FuzzCase, referee: Referee, subject: Subject = executorSubject): Promise<Verdict> {
  const ref = await referee.run(c);
  if (!ref.accepted) return { kind: 'kernel-rejected', errno: ref.errno, log: ref.log };
  let sub: Observation;
  try {
    sub = subject(c);
  } catch (e) {
    const msg = e instanceof BpfError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
    return { kind: 'executor-error', error: msg, referee: ref.obs };
  }
  const differences = compareObservations(ref.obs, sub);
  return differences.length ? { kind: 'diverge', differences, referee: ref.obs, subject: sub } : { kind: 'agree', referee: ref.obs, subject: sub };
}
