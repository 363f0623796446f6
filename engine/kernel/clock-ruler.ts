// The guest has no usable cycle counter (perf reports `cycles` as not supported, and
// rdtsc ticks at a constant rate unrelated to the core clock), so ns are converted to
// cycles with a ruler: a long chain of dependent 64-bit register `add`s, each of which
// has 1-cycle latency on every modern x86-64 core (Agner Fog's instruction tables;
// uops.info) and on the Arm Neoverse cores. The chain and an otherwise identical empty
// program are timed with PROG_TEST_RUN, interleaved, on fresh loads:
//   cycles per ns = adds / (ns_chain − ns_empty).
// The add operand is read from the context (skb->len) so neither the verifier nor a
// CPU that folds immediates at rename can shorten the chain, and the returned r0 proves
// every add ran.
import { BpfError } from '../errors.ts';
import type { KernelHandle } from './bpf-syscall.ts';
import { readCpuIdentity, type CpuIdentity } from './host-info.ts';
import { exit, ins, movImm, program } from './insn-builder.ts';
import { loadOrThrow, median } from './time-program.ts';

interface ClockOptions {
  /** Dependent adds in the chain. Default 8192 (24 KiB of x86 code: stays in L1i). */
  chainLength?: number;
  /** Fresh load pairs (empty + chain). Default 7. */
  loads?: number;
  /** Interleaved PROG_TEST_RUN pairs per load. Default 7. */
  runsPerLoad?: number;
  /** Runs averaged inside the kernel per call. Default 1000. */
  repeat?: number;
}

export interface ClockMeasurement {
  /** Median over loads of the per-load estimate, GHz (= cycles per ns). */
  ghz: number;
  min: number;
  max: number;
  /** Per-load GHz estimates. */
  samples: number[];
  /** (max − min) / median, percent. */
  spreadPct: number;
  /** adds / (fastest chain run − fastest empty run) over all runs. Interference (steal
   * time, a busy sibling thread) only ever adds time, so on a shared machine this is the
   * less disturbed estimate; compare it with `ghz` to see how noisy the run was. */
  fromFastest: number;
  chainLength: number;
  /** Median ns per run of the empty and the chain program. */
  emptyNs: number;
  chainNs: number;
  /** Constant-rate TSC ticks per ns seen around the syscalls (x86-64; 0 elsewhere). */
  tscGhz: number;
  cpu: CpuIdentity;
  method: string;
}

const PACKET_LEN = 64;

/** `r2 = skb->len; r0 = 0; r0 += r2 (× adds); exit` as a socket filter. */
export function addChainProgram(adds: number): Uint8Array {
  const body = [ins('ldxw', 'load', { dst: 2, src: 1, off: 0 }), movImm(0, 0)];
  const add = ins('add', 'dst,src', { dst: 0, src: 2 });
  for (let i = 0; i < adds; i++) body.push(add);
  return program(body, exit());
}

/** What the chain returns: adds × skb->len, as a u32. A socket filter's test run sees
 * skb->len = packet − 14, as eth_type_trans() has pulled the Ethernet header. */
const SKB_LEN = PACKET_LEN - 14;
const expectedRetval = (adds: number): number => Number((BigInt(adds) * BigInt(SKB_LEN)) & 0xffffffffn);

export async function measureClock(handle: KernelHandle, opts: ClockOptions = {}): Promise<ClockMeasurement> {
  const chainLength = opts.chainLength ?? 8192;
  const loads = opts.loads ?? 7;
  const runsPerLoad = opts.runsPerLoad ?? 7;
  const repeat = opts.repeat ?? 1000;
  for (const [k, v] of Object.entries({ chainLength, loads, runsPerLoad, repeat })) {
    if (!Number.isInteger(v) || v < 1) throw new BpfError('usage', `clock ruler: ${k} must be a positive integer, got ${v}`);
  }
  const data = new Uint8Array(PACKET_LEN);
  const emptyInsns = addChainProgram(0);
  const chainInsns = addChainProgram(chainLength);
  const samples: number[] = [];
  let fastestEmpty = Infinity;
  let fastestChain = Infinity;
  const empties: number[] = [];
  const chains: number[] = [];
  let tscTicks = 0;
  let wallNs = 0;

  for (let l = 0; l < loads; l++) {
    const empty = await loadOrThrow(handle, emptyInsns, { progType: 'socket', name: 'ruler_empty' });
    const chain = await loadOrThrow(handle, chainInsns, { progType: 'socket', name: 'ruler_chain' }).catch(async (e) => {
      await handle.unload(empty);
      throw e;
    });
    try {
      const e: number[] = [];
      const c: number[] = [];
      for (let r = 0; r < runsPerLoad; r++) {
        const re = await handle.testRun(empty, { repeat, data });
        const rc = await handle.testRun(chain, { repeat, data });
        if (rc.retval !== expectedRetval(chainLength)) {
          throw new Error(`clock ruler chain returned ${rc.retval}, expected ${expectedRetval(chainLength)}`);
        }
        e.push(re.durationNs);
        c.push(rc.durationNs);
        tscTicks += re.tscTicks + rc.tscTicks;
        wallNs += re.wallNs + rc.wallNs;
      }
      fastestEmpty = Math.min(fastestEmpty, ...e);
      fastestChain = Math.min(fastestChain, ...c);
      const de = median(e);
      const dc = median(c);
      if (dc <= de) throw new Error(`clock ruler: chain (${dc} ns) not slower than empty (${de} ns)`);
      empties.push(de);
      chains.push(dc);
      samples.push(chainLength / (dc - de));
    } finally {
      await handle.unload(empty);
      await handle.unload(chain);
    }
  }
  const ghz = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return {
    ghz,
    min,
    max,
    samples,
    spreadPct: ((max - min) / ghz) * 100,
    fromFastest: chainLength / (fastestChain - fastestEmpty),
    chainLength,
    emptyNs: median(empties),
    chainNs: median(chains),
    tscGhz: wallNs > 0 ? tscTicks / wallNs : 0,
    cpu: await readCpuIdentity(),
    method: `${chainLength} dependent 64-bit adds vs empty, socket filter, ${loads} loads x ${runsPerLoad} interleaved runs x repeat ${repeat}`,
  };
}
