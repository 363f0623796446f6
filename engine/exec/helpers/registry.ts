// What a helper or kfunc sees of the machine, and the registries that name them by id.
// Helpers follow the kernel calling convention: arguments in r1–r5, result in r0.

import type { Memory } from '../memory.ts';
import type { PacketState } from '../packet-state.ts';
import type { InstanceState } from '../state.ts';
import { worldKindIndex, type WorldKind } from '../world.ts';

export interface HelperEnv {
  /** Register file halves (see alu64.ts): L[r] low word, H[r] high word. */
  readonly L: Int32Array;
  readonly H: Int32Array;
  readonly mem: Memory;
  readonly state: InstanceState;
  /** pc of the call instruction, for error messages. */
  readonly pc: number;
  /** Call depth of the calling frame (0 = main program). */
  readonly depth: number;
  arg(i: number): bigint;
  setReturn(v: bigint): void;
  /** Validates that register r`i` points at `size` accessible bytes; returns their offset. */
  pointer(i: number, size: number, write: boolean): number;
  /** Sizes of the object's own BTF types by id (bpf_obj_new: Program.localTypeSizes). */
  localTypeSize(id: number): number | undefined;
  /** Tail calls taken so far in this run. */
  readonly tailCalls: number;
  /** Instructions executed so far in this run. */
  readonly executed: number;
  /** Runs the BPF function whose text address is (fnLo, fnHi) in a new frame with the
   * current r1..r5 as arguments (set them first); its result is left in r0. Re-entrant:
   * the callee may call helpers that call back. The caller's r6–r10 are preserved. */
  callback(fnLo: number, fnHi: number): void;
  /** bpf_throw: unwinds every frame; the program returns `cookie`. */
  throwCookie(cookie: bigint): never;
  /** Ends the program now with r0 = `r0` (the conformance unwind helper). */
  stop(r0: bigint): never;
  /** Schedules a tail call into `prog` once the helper returns. */
  tailCall(prog: unknown): void;
  /** A runtime fault at the call. */
  fault(detail: string): never;
  /** Packet bounds of xdp and skb programs as buffer offsets (what data, data_end,
   * data_meta load as); helpers that move them (bpf_xdp_adjust_*, bpf_skb_adjust_room
   * & co) update them, move the packet region with them, then call resetCaches(). */
  pktStart: number;
  pktEnd: number;
  pktMeta: number;
  /** The packet and its context struct (null for programs without one). */
  readonly packet: PacketState | null;
  /** Forgets cached region bounds (after a helper resized a region). */
  resetCaches(): void;
}

export interface HelperDef {
  id: number;
  name: string;
  fn: (env: HelperEnv) => void;
  /** Helper runs BPF callbacks (bpf_loop & co): a call site whose callee can throw. */
  callsBack?: boolean;
  /** The helper's result (r0) is an input from the world of this kind, not a function of
   * the program and its inputs. Executors then call it through helperEntry, which passes
   * the result through the run's WorldRecorder (recorded, or replayed: see world.ts). */
  world?: WorldKind;
}

const worldEntries = new WeakMap<HelperDef, (env: HelperEnv) => void>();

/** The function an executor calls for `def`: `def.fn` itself, or for a world helper a
 * wrapper that hands its result to the run's WorldRecorder. */
export function helperEntry(def: HelperDef): (env: HelperEnv) => void {
  if (def.world === undefined) return def.fn;
  let entry = worldEntries.get(def);
  if (!entry) {
    const k = worldKindIndex(def.world);
    const fn = def.fn;
    entry = (env) => {
      // Taken before the call: a helper may run a nested invocation, which switches its
      // own recorder in and out of the state.
      const rec = env.state.world;
      fn(env);
      rec.read(k, env.L, env.H);
    };
    worldEntries.set(def, entry);
  }
  return entry;
}

export type HelperRegistry = ReadonlyMap<number, HelperDef>;

export function registry(defs: readonly HelperDef[]): HelperRegistry {
  const m = new Map<number, HelperDef>();
  for (const d of defs) {
    if (m.has(d.id)) throw new Error(`helper id ${d.id} registered twice`);
    m.set(d.id, d);
  }
  return m;
}

/** A registry with some entries replaced or added. */
export function withHelpers(base: HelperRegistry, defs: readonly HelperDef[]): HelperRegistry {
  const m = new Map(base);
  for (const d of defs) m.set(d.id, d);
  return m;
}
