// Arm Neoverse N1 (Ampere Altra, AWS Graviton 2). LLVM 14 has no N1 scheduling model
// (-mcpu=neoverse-n1 resolves to the Cortex-A57 model; AArch64SchedNeoverseN1.td arrived
// in LLVM 16), so op costs come from the "Arm Neoverse N1 Software Optimization Guide"
// (PJDOC-466751330-9707, cited as N1 SWOG); `npm run mca:check` holds them to llvm-mca 19's
// N1 model, and mcaDifferences says where and why they differ.

import { assume, doc, type CpuModel } from './cpu-model.ts';
import { armOps } from './arm-table.ts';

const S = 'N1 SWOG, instruction characteristics';
const AS = 'assumption' as const;

export const neoverseN1: CpuModel = {
  id: 'neoverse-n1',
  name: 'Arm Neoverse N1 (Ampere Altra, AWS Graviton 2)',
  isa: 'arm64',
  llvm: { mcpu: 'neoverse-n1', triple: 'aarch64', modelInLlvm14: 'CortexA57Model (no N1 model in LLVM 14)' },
  frequencyGHz: doc(3.0, 'chipsandcheese "Hot Chips 2023: Arm\'s Neoverse V2" (2023), specification table: Ampere Altra up to 3 GHz'),
  decodeWidth: doc(4, 'N1 SWOG, pipeline overview: 4 instructions/cycle decode'),
  issueWidth: doc(8, 'N1 SWOG, pipeline overview: up to 8 micro-ops/cycle dispatch'),
  retireWidth: assume(8, 'retire width not published; dispatch width assumed'),
  robSize: doc(128, 'N1 SWOG / Arm Hot Chips 31 (2019): 128-entry instruction window'),
  lineBytes: doc(64, 'N1 SWOG: 64-byte lines'),
  l1d: { sizeKiB: doc(64, 'N1 SWOG: 64 KiB L1D'), ways: doc(4, 'N1 SWOG: 4-way'), latency: doc(4, `${S}: load register, immediate offset, latency 4`) },
  l1i: { sizeKiB: doc(64, 'N1 SWOG: 64 KiB L1I'), ways: doc(4, 'N1 SWOG: 4-way') },
  // Front end: Arm Neoverse N1 TRM, "L1 instruction memory system" (as paraphrased in
  // course notes read for this: 64 KiB 4-way L1i, 1536-entry 4-way skewed-associative L0
  // MOP cache); the TRM itself was not read in this session.
  frontEnd: {
    opCache: {
      sets: assume(96, 'N1 TRM, L1 instruction memory system: 1536-entry 4-way MOP cache; organised here as 96 sets × 4 ways × 4 MOPs of a 16-byte window'),
      ways: assume(4, 'N1 TRM: 4-way MOP cache'),
      opsPerEntry: assume(4, 'N1 TRM: MOP cache entry width not given; 4 (one 16-byte fetch block) assumed'),
      windowBytes: assume(16, 'N1: 16-byte fetch blocks (four instructions) assumed'),
    },
    fetchBytesPerCycle: assume(16, 'N1 SWOG, pipeline overview: 4 instructions (16 bytes) per cycle fetch and decode'),
    l2FetchBytesPerCycle: assume(32, 'chipsandcheese "Deep Diving Neoverse N1" (2021): 19.3 B/cycle measured from L2 by loads, suggesting a 32-byte L2 interface'),
    decodeRedirectCycles: assume(1, 'Arm does not publish the MOP-cache vs decode redirect difference; one decode stage assumed'),
  },
  l2: { sizeKiB: doc(1024, 'chipsandcheese Hot Chips 2023 V2 article table: Altra 1 MiB L2 per core'), ways: doc(8, 'N1 TRM: 8-way L2'), latency: assume(11, 'N1 TRM gives a 9–11 cycle L2 hit; upper end') },
  llc: {
    sizeKiB: doc(32768, 'chipsandcheese Hot Chips 2023 V2 article table: Altra 16–32 MiB system-level cache; 32 MiB taken'),
    ways: assume(16, 'CMN-600 SLC associativity not published for Altra'),
    latency: assume(100, 'CMN-600 SLC hit ≈33 ns at 3 GHz; no vendor figure'),
  },
  memoryLatencyNs: assume(110, 'typical DDR4 Altra idle load-to-use; no vendor figure'),
  branchMispredictPenalty: doc(11, 'Arm Hot Chips 31 (2019) N1 presentation: 11-cycle minimum mispredict penalty'),
  takenBranchBubble: assume(0, 'the N1 nano-BTB predicts taken branches back to back; larger BTBs add a bubble not modelled'),
  takenBranchesPerCycle: doc(1, 'N1 SWOG, instruction characteristics: B, BL, BLR and RET all issue to the single branch pipeline (B), throughput 1'),
  callReturnCycles: {
    call: doc(1, 'N1 SWOG, instruction characteristics: BL throughput 1 on the branch pipeline'),
    ret: doc(1, 'N1 SWOG, instruction characteristics: RET throughput 1 on the branch pipeline'),
  },
  returnStackDepth: assume(16, 'Arm does not publish the N1 return stack depth'),
  btbEntries: assume(6144, 'Arm Hot Chips 31 (2019): 6K-entry main BTB'),
  coreToCore: {
    sameCluster: doc(45, 'chipsandcheese Graviton 4 article (2024): mesh bounces 30–60 ns, Graviton 4 on par with Graviton 2 within a socket'),
    crossCluster: doc(45, 'as sameCluster: the CMN mesh has no clusters'),
    crossSocket: assume(140, 'Graviton 4 cross-socket average 138.6 ns (chipsandcheese 2024) taken for Altra dual-socket'),
  },
  returnThunk: {
    appliesByDefault: false,
    mitigation: 'arm64 has no return-thunk mitigation; N1 (Armv8.2) has no pointer authentication, so a return is a bare `ret`',
    ops: [],
    source: 'arch/arm64/net/bpf_jit_comp.c build_epilogue() (Linux v6.15)',
  },
  ops: armOps({
    'alu': [1, 1 / 3, 'I0-I2', `${S}: ALU basic, latency 1, throughput 3`],
    'mov-reg': [1, 1 / 3, 'I0-I2', `${S}: MOV (ORR alias), latency 1, throughput 3`],
    'mov-imm': [1, 1 / 3, 'I0-I2', `${S}: MOVZ/MOVN/MOVK, latency 1, throughput 3`],
    'movabs': [1, 1 / 3, 'I0-I2', `${S}: MOVK, latency 1, throughput 3`],
    'lea': [1, 1 / 3, 'I0-I2', `${S}: ADD immediate, latency 1, throughput 3`],
    'shift': [1, 1 / 3, 'I0-I2', `${S}: shifts by immediate and by register, latency 1, throughput 3`],
    'shift-cl': [1, 1 / 3, 'I0-I2', `${S}: variable shifts, latency 1, throughput 3`],
    // The JIT's 64-bit mul and msub are X-form MADD/MSUB (MUL is MADD with XZR). Was the
    // W-form row (latency 2, throughput 1); llvm-mca 19 -mcpu=neoverse-n1 gives 4 / 3
    // (AArch64SchedNeoverseN1.td: WriteIM64 = N1Write_4c3_1M, the M pipe held 3 cycles).
    'imul': [4, 3, 'M', `${S}: Multiply accumulate, X-form (MADD/MSUB; MUL is MADD with XZR), latency 4, throughput 1/3 (the W-form row: 2, 1); llvm-mca 19 -mcpu=neoverse-n1 the same (WriteIM64, N1Write_4c3_1M)`],
    'div32': [12, 12, 'M', `${S}: SDIV/UDIV W-form, latency 5–12, throughput 1/12–1/5; upper bound`],
    'div64': [20, 20, 'M', `${S}: SDIV/UDIV X-form, latency 5–20, throughput 1/20–1/5; upper bound`],
    'movzx': [1, 1 / 3, 'I0-I2', `${S}: SXT*/UXT* (bitfield), latency 1, throughput 3`],
    'bswap': [1, 1 / 3, 'I0-I2', `${S}: REV, latency 1, throughput 3`],
    'cmov': [1, 1 / 3, 'I0-I2', `${S}: CSEL, latency 1, throughput 3`],
    'load': [4, 0.5, 'L01', `${S}: LDR immediate offset, latency 4, throughput 2`],
    'load-alu': [4, 0.5, 'L01', 'arm64 has no load+ALU form; same as load'],
    'gs-load': [4, 0.5, 'L01', 'arm64 has no %gs form; per-CPU loads are plain LDR'],
    'sysreg-read': [2, 1, 'M', 'MRS TPIDR_EL1/SP_EL0: not in the N1 SWOG; 2 cycles on the M pipe assumed', AS],
    'store': [1, 0.5, 'L01 + D', `${S}: STR immediate offset, throughput 2`],
    'atomic-rmw': [8, 1, 'L01 + D', 'LSE atomics: not in the N1 SWOG; load 4 + ALU 1 + store forwarding 3 assumed for an L1 hit', AS],
    'push': [1, 1, 'L01 + D', `${S}: STP X-form pre-index, throughput 1`],
    'pop': [4, 1, 'L01', `${S}: LDP X-form post-index, latency 4, throughput 1`],
    'leave': [4, 1, 'L01', `${S}: LDP X-form post-index, latency 4, throughput 1`],
    'branch-cond': [1, 1, 'B', `${S}: B.cond, throughput 1`],
    'jmp': [1, 1, 'B', `${S}: B, throughput 1`],
    'jmp-indirect': [1, 1, 'B', `${S}: BR, throughput 1`],
    'call-direct': [1, 1, 'B + I', `${S}: BL, throughput 1`],
    'call-indirect': [1, 1, 'B + I', `${S}: BLR, throughput 1`],
    'ret': [1, 1, 'B', `${S}: RET, throughput 1`],
    'return-thunk': [1, 1, 'B', 'no return thunks on arm64; as B'],
    'nop': [0, 0.25, 'none', 'NOP/BTI/PAC hints retire without execution; decode-limited at 4/cycle', AS],
    'fence': [10, 10, 'L01', 'DMB ISH with no outstanding stores; not in the SWOG', AS],
  }),
  mcaDifferences: [
    { what: 'div32', ours: 12, mca: 5, reason: 'SWOG: latency 5-12, throughput 1/12-1/5 by operands; ours takes the slow end of both, LLVM 19 the slow latency with the fast issue rate (N1Write_12c5_1M)' },
    { what: 'div64', ours: 20, mca: 5, reason: 'as div32: SWOG 5-20 / 1/20-1/5; LLVM 19 N1Write_20c5_1M pairs latency 20 with issue every 5' },
    { what: 'sysreg-read', ours: 2, mca: 1, reason: 'LLVM 19 has no MRS figure (WriteSys: latency 1, no pipe); the SWOG neither; ours assumes 2 on M' },
    { what: 'nop', ours: 0, mca: 1, reason: 'LLVM 19 WriteHint: latency 1, no pipe, dispatch-bound; nothing waits on a NOP, which ours bounds by 4-wide decode' },
    { what: 'fence', ours: 10, mca: 1, reason: 'LLVM 19 WriteBarrier: latency 1, no pipe; it does not model a DMB waiting for memory; ours assumes 10' },
    { what: 'atomic-rmw', ours: 8, mca: NaN, reason: 'LLVM 19\'s N1 model marks atomics unsupported (WriteAtomic), so llvm-mca rejects stadd; ours is an assumption' },
  ],
};
