// AMD Zen 5 (EPYC 9005 "Turin", family 1Ah). LLVM 14 has no Zen 4/5 model (znver4
// arrived in LLVM 16, znver5 in LLVM 19), so nothing here is llvm-mca's. Sources: AMD
// "Software Optimization Guide for the AMD Zen5 Microarchitecture" (pub. 58455, 2024;
// cited as AMD SOG Zen5); where it gives no figure, the Zen 3 value is carried over and
// marked as an assumption (same integer pipeline depth and ALU design). Figures marked
// as measurements come from benchmarks/host-measure on a Zen 5 guest (see `measured`).

import { assume, assumeCost, doc, docCost, type CpuModel, type Figure, type OpCost } from './cpu-model.ts';
import type { OpClass } from './op-classes.ts';
import { zen3 } from './zen3.ts';

const SOG = 'AMD SOG Zen5 (pub. 58455)';

const HOST_RUN =
  'measured on this host (AMD EPYC family 26 model 2, 2-vCPU guest) with `npx tsx benchmarks/host-measure/measure.ts`, 2026-11-25';

/** A host measurement: median [min..max] over `runs` samples, each sample the fastest of
 * five back-to-back timings converted with an add-chain clock ruler timed beside it.
 * `value` is the median rounded the way the timing model reads it (whole cycles for
 * latencies, 1/k below one cycle for reciprocal throughputs). */
function measured(value: number, med: number, min: number, max: number, how: string, runs = 31): Figure {
  return { value, basis: 'measurement', source: `${HOST_RUN}: median ${med} [${min}..${max}] over ${runs} runs; ${how}` };
}

function measuredCost(latency: Figure, rthroughput: Figure, ports: string): OpCost {
  return { latency, rthroughput, ports };
}

function fromZen3(cls: OpClass, ports?: string): OpCost {
  const z = zen3.ops[cls];
  return assumeCost(z.latency.value, z.rthroughput.value, ports ?? z.ports, `Zen 3 figure carried over (${z.latency.source}); no Zen 5 figure in LLVM 14`);
}

const ops = {} as Record<OpClass, OpCost>;
for (const cls of Object.keys(zen3.ops) as OpClass[]) ops[cls] = fromZen3(cls);
ops.alu = docCost(1, 1 / 6, 'ALU0-5', `${SOG}: six integer ALUs, single-cycle simple ops`);
ops.movzx = docCost(1, 1 / 6, 'ALU0-5', `${SOG}: six integer ALUs`);
ops.load = docCost(4, 0.25, 'AGU0-3 + LD', `${SOG}: 4-cycle integer load-to-use, four AGUs / up to four loads per cycle`);
ops['load-alu'] = docCost(5, 0.25, 'AGU + ALU', `${SOG}: load-to-use 4 + 1-cycle ALU`);
ops['gs-load'] = docCost(5, 0.25, 'AGU + ALU', `${SOG}: load-to-use 4 + 1-cycle ALU (segment base adds no cycle in the SOG's model)`);
ops['sysreg-read'] = ops['gs-load'];
ops.store = docCost(1, 0.5, 'AGU + ST', `${SOG}: two stores per cycle`);
ops['branch-cond'] = docCost(1, 0.5, 'BRU0-1', `${SOG}: two taken branches per cycle`);
ops.jmp = docCost(1, 0.5, 'BRU0-1', `${SOG}: two taken branches per cycle`);

// Measured on the host (benchmarks/host-measure): latency by a dependent chain, reciprocal
// throughput by the same op on 11 independent registers. Port labels stay as they were:
// the timing model groups ops by label, and grouping is not what was measured.
const chain = (insn: string) => `dependent chain of \`${insn}\``;
const indep = (insn: string) => `\`${insn}\` on 11 independent registers`;
ops.alu = measuredCost(
  ops.alu.latency,
  measured(1 / 5, 0.192, 0.191, 0.226, `${indep('add r, rcx')}: five per cycle (${SOG} documents six ALUs, 1/6)`),
  ops.alu.ports,
);
ops.lea = measuredCost(
  measured(1, 1.0, 0.994, 1.079, chain('lea r, [r + 8]')),
  measured(1 / 5, 0.192, 0.191, 0.224, indep('lea r, [r + 8]')),
  ops.lea.ports,
);
ops.shift = measuredCost(
  measured(1, 1.0, 0.999, 1.111, `${chain('shl r, 5')}; \`shlx\` the same (1.0, rthr 0.337)`),
  measured(1 / 3, 0.336, 0.336, 0.37, indep('shl r, 5')),
  ops.shift.ports,
);
ops['shift-cl'] = measuredCost(
  measured(1, 1.001, 0.998, 1.107, chain('shl r, cl')),
  measured(1 / 3, 0.337, 0.335, 0.367, indep('shl r, cl')),
  ops['shift-cl'].ports,
);
ops.imul = measuredCost(
  measured(3, 3.001, 2.715, 3.365, chain('imul r, r')),
  measured(1 / 3, 0.333, 0.332, 0.484, indep('imul r, r')),
  ops.imul.ports,
);
ops.div32 = measuredCost(
  measured(13, 13.008, 12.924, 14.745, '`xor edx,edx; div ecx; or eax, ebx` chain minus the `or`, 0x7fffffff / 7; a small quotient (0xffff / 7) takes 11.06'),
  measured(6, 6.002, 5.913, 6.643, 'independent `div ecx`, 0x7fffffff / 7'),
  ops.div32.ports,
);
ops.div64 = measuredCost(
  measured(16, 15.997, 15.774, 16.047, '`xor edx,edx; div rcx; or rax, rbx` chain minus the `or`, (2^63-1) / 7; a small quotient (0xffff / 7) takes 11.06'),
  measured(9, 9.188, 9.095, 10.204, 'independent `div rcx`, (2^63-1) / 7; 7.0 for 0xffff / 7'),
  ops.div64.ports,
);
ops.movzx = measuredCost(
  measured(1, 1.0, 0.999, 1.142, `${chain('movzx eax, ax')} (${SOG}: 1, the same)`),
  measured(1 / 6, 0.168, 0.168, 0.203, `${indep('movzx r32, cl')} (${SOG}: six ALUs, the same)`),
  'ALU0-5',
);
ops.bswap = measuredCost(
  measured(1, 1.0, 0.906, 1.109, chain('bswap r64')),
  measured(1 / 5, 0.192, 0.191, 0.212, indep('bswap r64')),
  ops.bswap.ports,
);
ops.cmov = measuredCost(
  measured(1, 1.0, 0.996, 1.105, chain('cmovz rax, rdx')),
  measured(1 / 5, 0.194, 0.176, 0.218, indep('cmovz r, rcx')),
  ops.cmov.ports,
);
ops['mov-reg'] = measuredCost(
  measured(0, 0.0, -0.009, 0.005, '`mov rdx, rax; add rax, rdx` chain minus the add: eliminated at rename'),
  measured(1 / 7, 0.146, 0.145, 0.19, '`mov r, rcx` into 11 registers'),
  ops['mov-reg'].ports,
);
ops['mov-imm'] = measuredCost(ops['mov-imm'].latency, measured(1 / 6, 0.168, 0.164, 0.199, '`mov r32, imm32` into 11 registers'), ops['mov-imm'].ports);
ops.movabs = measuredCost(ops.movabs.latency, measured(1 / 3, 0.336, 0.335, 0.39, '`movabs r64, imm64` into 11 registers'), ops.movabs.ports);
ops.nop = measuredCost(ops.nop.latency, measured(1 / 8, 0.127, 0.126, 0.198, '5-byte `nop dword ptr [rax+rax]`, back to back'), ops.nop.ports);
ops.fence = measuredCost(ops.fence.latency, measured(11, 11.212, 11.191, 12.105, 'back-to-back `lfence`'), ops.fence.ports);
const l1Load = measured(4, 4.006, 3.905, 5.275, `pointer chase in random order inside 4 KiB (${SOG}: 4, the same)`);
ops.load = measuredCost(l1Load, ops.load.rthroughput, ops.load.ports);
ops.push = measuredCost(ops.push.latency, measured(1 / 2, 0.501, 0.498, 0.565, '32 `push` then `add rsp, 256`'), ops.push.ports);
ops.pop = measuredCost(
  ops.pop.latency,
  measured(1 / 4, 0.25, 0.227, 0.281, '`sub rsp, 256` then 32 `pop`; a `push rax; pop rax` chain costs 0.5 per pair (the popped value is forwarded without a load latency)'),
  ops.pop.ports,
);
ops['atomic-rmw'] = measuredCost(
  measured(20, 20.004, 19.971, 22.537, '`lock add [m], rcx` to one line, back to back'),
  measured(20, 20.006, 19.909, 22.118, '`lock add` to eight lines in turn: no faster than to one'),
  ops['atomic-rmw'].ports,
);

export const zen5: CpuModel = {
  id: 'zen5',
  name: 'AMD Zen 5 (EPYC 9005 Turin)',
  isa: 'x86-64',
  llvm: null,
  frequencyGHz: doc(2.7, 'EPYC 9755 base clock, AMD product page'),
  decodeWidth: doc(8, `${SOG}: two 4-wide decode pipes (one per thread when SMT is active)`),
  issueWidth: doc(8, `${SOG}: 8 macro-ops per cycle dispatch`),
  retireWidth: doc(8, `${SOG}: 8 macro-ops per cycle retire`),
  robSize: doc(448, `${SOG}: 448-entry retire queue`),
  lineBytes: doc(64, `${SOG}: 64-byte lines`),
  l1d: { sizeKiB: doc(48, `${SOG}: 48 KiB L1D`), ways: doc(12, `${SOG}: 12-way`), latency: l1Load },
  l1i: { sizeKiB: doc(32, `${SOG}: 32 KiB L1I`), ways: doc(8, `${SOG}: 8-way`) },
  // Front end: the SOG's figures could not be read in this session; each is an assumption
  // naming where it is reported.
  frontEnd: {
    opCache: {
      sets: assume(64, `${SOG}, op cache: 6K instructions (reported as 6K ops, dual-ported, 2 × 6 ops per cycle); organised here as 64 sets × 16 ways × 6 ops (not read in this session)`),
      ways: assume(16, `${SOG}, op cache: 16 ways assumed so that 64 × 16 × 6 = 6K ops`),
      opsPerEntry: assume(6, `${SOG}, op cache: 6 ops per entry (the per-pipe delivery width)`),
      windowBytes: assume(64, `${SOG}, op cache: one 64-byte window per entry, as Zen 3`),
    },
    fetchBytesPerCycle: assume(64, `${SOG}: two 32-byte fetch pipes feeding the two 4-wide decode pipes (not read in this session)`),
    l2FetchBytesPerCycle: assume(64, `${SOG}: L2 to L1 fills of 64 bytes per cycle (not read in this session)`),
    decodeRedirectCycles: assume(5, 'Zen 3\'s op-cache vs decoder redirect difference carried over'),
  },
  l2: { sizeKiB: doc(1024, `${SOG}: 1 MiB private L2`), ways: doc(16, `${SOG}: 16-way`), latency: measured(14, 14.076, 14.003, 23.137, `pointer chase in random order over 256 KiB (${SOG}: 14, the same)`) },
  llc: {
    sizeKiB: doc(32768, `${SOG}: 32 MiB L3 per 8-core CCD`), ways: doc(16, `${SOG}: 16-way`),
    latency: assume(50, 'no vendor figure found; Zen 3\'s 46 cycles plus the larger ring, ≈50'),
  },
  memoryLatencyNs: assume(110, 'typical DDR5 EPYC 9005 idle load-to-use; no vendor figure'),
  branchMispredictPenalty: measured(22, 21.752, 18.645, 26.639, '(cycles per branch on random bits − on an alternating pattern) / 0.5 mispredicts per random branch, the condition ready one cycle after redispatch; two earlier runs the same day gave medians 19.7 and 20.7 (before: Zen 3\'s 13, AMD SOG 19h, assumed)'),
  takenBranchBubble: doc(0, `${SOG}: the L1 BTB predicts two taken branches per cycle without bubbles`),
  // The host shows far fewer entries than the SOG's 52 (per thread in single-thread mode):
  // the guest's core may be sharing its return stack with an SMT sibling on the host.
  takenBranchesPerCycle: measured(2, 0.526, 0.523, 0.598, `cycles per taken \`jmp\` over a ud2, 20 back to back plus the loop's \`jnz\` (21 taken transfers: 0.525 at two a cycle); always-taken \`jz\` the same, 0.551 (${SOG}: two taken branches per cycle)`),
  // The five kernels agree only with a call/return path of its own: a taken jmp inside the
  // callee, or six independent adds, leave the pair at 4.0, and nested calls cost 4 a level.
  callReturnCycles: {
    call: measured(1, 1.0, 0.999, 1.124, '`call` to the next instruction, whose `pop` drops the return address (no returns), 20 back to back'),
    ret: measured(3, 3.001, 2.878, 3.719, 'per sample, `call f` to a bare `ret` (20 back to back: 4.001 [3.984..4.720] a pair) minus the call with no return; the same with six independent adds (4.001) or a taken `jmp` (4.001) before the `ret`, and nested calls cost 4 a level (nest-4: 17.0, nest-16: 65.0)'),
  },
  returnStackDepth: measured(33, 33, 30, 37, `knee of the cost of calls nested d deep through distinct call sites (about 4 cycles a level below it, about 27 above); the knee spreads over depths 28–40 and two earlier runs the same day gave medians 30 and 31 (${SOG}: 52 per thread in single-thread mode)`),
  btbEntries: doc(24576, `${SOG}: 16K-entry L1 BTB plus 8K-entry L2 BTB`),
  coreToCore: {
    sameCluster: assume(17, 'taken as Zen 3/4 within one L3 (AnandTech 7950X review: 15–19 ns)'),
    crossCluster: assume(80, 'taken as Zen 4 cross-CCD (AnandTech 7950X review: up to 79.5 ns)'),
    crossSocket: assume(200, 'chipsandcheese Graviton 4 article (2024): AMD Bergamo cross-socket exceeds 200 ns'),
  },
  returnThunk: {
    appliesByDefault: false,
    mitigation: 'SRSO: Zen 5 enumerates SRSO_USER_KERNEL_NO, so a bare-metal kernel installs no return thunk; returns stay `ret`',
    ops: [],
    source: 'arch/x86/kernel/cpu/bugs.c srso_select_mitigation() (Linux ≥6.14) and Documentation/admin-guide/hw-vuln/srso.rst',
  },
  ops,
  mcaDifferences: [],
};
