// Arm Neoverse V2 (NVIDIA Grace, AWS Graviton 4). LLVM 14 does not know -mcpu=neoverse-v2
// (AArch64SchedNeoverseV2.td was added in LLVM 17, built from the "Arm Neoverse V2
// Software Optimization Guide", PJDOC-466751330-593177 r0p2: reviews.llvm.org/D151894);
// op costs cite that guide (V2 SWOG). Core widths: Laukemann et al. 2024 ("Microarchitectural
// comparison and in-core modeling of ... Neoverse V2 (Grace)"). Sizes: chipsandcheese
// "Hot Chips 2023: Arm's Neoverse V2" specification table (Grace).

import { assume, doc, type CpuModel } from './cpu-model.ts';
import { armOps } from './arm-table.ts';

const S = 'V2 SWOG, instruction characteristics';
const LAU = 'Laukemann et al. 2024, Grace in-core model';
const AS = 'assumption' as const;

export const neoverseV2: CpuModel = {
  id: 'neoverse-v2',
  name: 'Arm Neoverse V2 (NVIDIA Grace, AWS Graviton 4)',
  isa: 'arm64',
  llvm: null,
  frequencyGHz: doc(2.6, 'chipsandcheese Hot Chips 2023 V2 article, specification table: Grace 2.6 GHz'),
  decodeWidth: assume(6, 'Arm describes a 6-wide decoder for Cortex-X3/Neoverse V2; not re-checked against the SWOG'),
  issueWidth: doc(8, `${LAU}: rename/dispatch up to 8 micro-ops per cycle`),
  retireWidth: doc(8, `${LAU}: retire 8 micro-ops per cycle`),
  robSize: assume(320, 'Arm Hot Chips 2023: instruction window of ≈320; not re-checked'),
  lineBytes: doc(64, 'V2 SWOG: 64-byte lines'),
  l1d: { sizeKiB: doc(64, 'V2 SWOG: 64 KiB L1D'), ways: doc(4, 'V2 SWOG: 4-way'), latency: doc(4, `${S}: load register, immediate offset, latency 4`) },
  l1i: { sizeKiB: doc(64, 'V2 SWOG: 64 KiB L1I'), ways: doc(4, 'V2 SWOG: 4-way') },
  // Front end: no V2 document on the MOP cache could be read in this session; N1's
  // organisation is kept, widened to the 6-wide decoder, and marked an assumption.
  frontEnd: {
    opCache: {
      sets: assume(96, 'V2 (Cortex-X3 class) MOP cache of 1.5K entries reported; N1\'s organisation kept'),
      ways: assume(4, 'N1 TRM organisation kept: 4 ways'),
      opsPerEntry: assume(4, 'N1 organisation kept: 4 MOPs an entry'),
      windowBytes: assume(16, 'N1 organisation kept: 16-byte windows'),
    },
    fetchBytesPerCycle: assume(32, 'V2: 6-wide decode; 32 bytes (8 instructions) per cycle fetch assumed'),
    l2FetchBytesPerCycle: assume(32, 'N1 figure kept: 32-byte L2 interface'),
    decodeRedirectCycles: assume(1, 'N1 figure kept: one decode stage'),
  },
  l2: { sizeKiB: doc(1024, 'chipsandcheese Hot Chips 2023 V2 article table: Grace 1 MiB L2 per core'), ways: doc(8, 'V2 TRM: 8-way L2'), latency: assume(12, 'no vendor figure found; ≈12 cycles assumed') },
  llc: {
    sizeKiB: doc(119808, 'chipsandcheese Hot Chips 2023 V2 article table: Grace 117 MiB L3'),
    ways: assume(16, 'SCF cache associativity not published'),
    latency: assume(100, 'Grace SCF L3 hit ≈38 ns at 2.6 GHz; no vendor figure'),
  },
  memoryLatencyNs: assume(120, 'LPDDR5X idle load-to-use; no vendor figure'),
  branchMispredictPenalty: assume(11, 'no published V2 figure; N1\'s 11 cycles kept (similar pipeline length)'),
  takenBranchBubble: assume(0, 'V2 predicts up to two taken branches per cycle from its nano-BTB'),
  takenBranchesPerCycle: doc(2, 'V2 SWOG, instruction characteristics: B throughput 2 on the two branch pipelines (B0, B1)'),
  callReturnCycles: {
    call: doc(0.5, 'V2 SWOG, instruction characteristics: BL throughput 2'),
    ret: doc(0.5, 'V2 SWOG, instruction characteristics: RET throughput 2'),
  },
  returnStackDepth: assume(16, 'Arm does not publish the V2 return stack depth'),
  btbEntries: assume(8192, 'Arm does not publish a single V2 BTB size; 8K assumed'),
  coreToCore: {
    sameCluster: doc(45, 'chipsandcheese "Arm\'s Neoverse V2, in AWS\'s Graviton 4" (2024): CMN-700 bounces 30–60 ns; midpoint'),
    crossCluster: doc(45, 'as sameCluster: no clusters on the CMN-700 mesh'),
    crossSocket: doc(138.6, 'chipsandcheese Graviton 4 article (2024): cross-socket average 138.6 ns'),
  },
  returnThunk: {
    appliesByDefault: false,
    mitigation: 'arm64 has no return-thunk mitigation; with CONFIG_ARM64_PTR_AUTH_KERNEL the epilogue runs autiasp before `ret` (part of the epilogue ops)',
    ops: [],
    source: 'arch/arm64/net/bpf_jit_comp.c build_epilogue() (Linux v6.15)',
  },
  ops: armOps({
    'alu': [1, 1 / 6, 'I0-I5', `${S}: ALU basic, latency 1, throughput 6; ${LAU}: 6 single-cycle integer ALUs`],
    'mov-reg': [1, 1 / 6, 'I0-I5', `${S}: MOV (ORR alias), latency 1, throughput 6`],
    'mov-imm': [1, 1 / 6, 'I0-I5', `${S}: MOVZ/MOVN/MOVK, latency 1, throughput 6`],
    'movabs': [1, 1 / 6, 'I0-I5', `${S}: MOVK, latency 1, throughput 6`],
    'lea': [1, 1 / 6, 'I0-I5', `${S}: ADD immediate, latency 1, throughput 6`],
    'shift': [1, 1 / 6, 'I0-I5', `${S}: shifts by immediate, latency 1, throughput 6`],
    'shift-cl': [1, 0.5, 'M0-M1', `${S}: variable shifts on the M pipes, latency 1, throughput 2`],
    'imul': [2, 0.5, 'M0-M1', `${S}: MUL/MADD, latency 2, throughput 2`],
    'div32': [12, 12, 'M0', `${S}: SDIV/UDIV W-form, latency 5–12; upper bound`],
    'div64': [20, 20, 'M0', `${S}: SDIV/UDIV X-form, latency 5–20; upper bound`],
    'movzx': [1, 1 / 6, 'I0-I5', `${S}: SXT*/UXT*, latency 1, throughput 6`],
    'bswap': [1, 1 / 6, 'I0-I5', `${S}: REV, latency 1, throughput 6`],
    'cmov': [1, 1 / 6, 'I0-I5', `${S}: CSEL, latency 1, throughput 6`],
    'load': [4, 1 / 3, 'L0-L2', `${S}: LDR immediate offset, latency 4; ${LAU}: 3 load ports`],
    'load-alu': [4, 1 / 3, 'L0-L2', 'arm64 has no load+ALU form; same as load'],
    'gs-load': [4, 1 / 3, 'L0-L2', 'arm64 has no %gs form; per-CPU loads are plain LDR'],
    'sysreg-read': [2, 1, 'M0', 'MRS TPIDR_EL1/SP_EL0: not found in the V2 SWOG; 2 cycles on M0 assumed', AS],
    'store': [1, 0.5, 'L01 + D0-D1', `${S}: STR immediate offset; ${LAU}: 2 store-address/data ports`],
    'atomic-rmw': [8, 1, 'L + D', 'LSE atomics: no figure used; load 4 + ALU 1 + store forwarding 3 assumed for an L1 hit', AS],
    'push': [1, 0.5, 'L01 + D', `${S}: STP X-form pre-index, throughput 2`],
    'pop': [4, 1 / 3, 'L0-L2', `${S}: LDP X-form post-index, latency 4`],
    'leave': [4, 1 / 3, 'L0-L2', `${S}: LDP X-form post-index, latency 4`],
    'branch-cond': [1, 0.5, 'B0-B1', `${S}: B.cond, throughput 2`],
    'jmp': [1, 0.5, 'B0-B1', `${S}: B, throughput 2`],
    'jmp-indirect': [1, 0.5, 'B0-B1', `${S}: BR, throughput 2`],
    'call-direct': [1, 0.5, 'B0-B1 + I', `${S}: BL, throughput 2`],
    'call-indirect': [1, 0.5, 'B0-B1 + I', `${S}: BLR, throughput 2`],
    'ret': [1, 0.5, 'B0-B1', `${S}: RET, throughput 2`],
    'return-thunk': [1, 0.5, 'B0-B1', 'no return thunks on arm64; as B'],
    'nop': [0, 1 / 6, 'none', 'NOP/BTI/PAC hints retire without an execution port; decode-limited', AS],
    'fence': [10, 10, 'L', 'DMB ISH with no outstanding stores; not taken from the SWOG', AS],
  }),
  mcaDifferences: [
    { what: 'mov-reg', ours: 1, mca: 0, reason: 'LLVM 19 eliminates MOV Xd, Xn at rename (NeoverseZeroMove: 0 cycles, no pipe); kept at the SWOG row\'s 1 until the guide\'s move elimination is checked' },
    { what: 'shift-cl', ours: 0.5, mca: 1 / 6, reason: 'unused on arm64: the lowering prices LSLV/LSRV/ASRV as `shift`, which agrees with LLVM 19 (1 cycle, six I pipes)' },
    { what: 'sysreg-read', ours: 2, mca: 1, reason: 'LLVM 19 has no MRS figure (WriteSys: latency 1, no pipe); ours assumes 2 on M0' },
    { what: 'nop', ours: 0, mca: 1, reason: 'LLVM 19 WriteHint: latency 1, no pipe, dispatch-bound; nothing waits on a NOP, which ours bounds by decode' },
    { what: 'fence', ours: 10, mca: 1, reason: 'LLVM 19 WriteBarrier: latency 1, no pipe; it does not model a DMB waiting for memory; ours assumes 10' },
    { what: 'atomic-rmw', ours: 8, mca: NaN, reason: 'LLVM 19\'s V2 model marks atomics unsupported (WriteAtomic, copied from N2), so llvm-mca rejects stadd; ours is an assumption' },
  ],
};
