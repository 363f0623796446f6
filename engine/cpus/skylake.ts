// Intel Skylake-SP (Xeon Scalable 1st gen). Op costs: llvm-mca 14's SkylakeServer model
// (llvm/lib/Target/X86/X86SchedSkylakeServer.td, -mcpu=skylake-avx512); divides and the
// L1 hit latency from Agner Fog's "Instruction tables" / "The microarchitecture of Intel,
// AMD and VIA CPUs" (2022 editions) and the "Intel 64 and IA-32 Architectures
// Optimization Reference Manual" (cited as Intel ORM).

import { assume, doc, docCost, type CpuModel } from './cpu-model.ts';
import { mcaOps } from './mca-table.ts';

const ORM = 'Intel ORM, Skylake Server microarchitecture chapter';
const AGNER = 'Agner Fog, instruction tables (Skylake-X)';

export const skylake: CpuModel = {
  id: 'skylake',
  name: 'Intel Skylake-SP (Xeon Scalable, 1st gen)',
  isa: 'x86-64',
  llvm: { mcpu: 'skylake-avx512', triple: 'x86_64', modelInLlvm14: 'SkylakeServerModel (X86SchedSkylakeServer.td)' },
  frequencyGHz: doc(2.5, 'Xeon Platinum 8180 base clock, Intel ARK'),
  decodeWidth: doc(4, `${ORM}: 4 legacy decoders (6 uops/cycle from the decoded icache)`),
  issueWidth: doc(4, `${ORM}: 4 uops/cycle allocate/rename`),
  retireWidth: doc(4, `${ORM}: 4 uops/cycle retire`),
  robSize: doc(224, `${ORM}: 224-entry reorder buffer`),
  lineBytes: doc(64, `${ORM}: 64-byte lines`),
  l1d: {
    sizeKiB: doc(32, `${ORM}: 32 KiB L1D`), ways: doc(8, `${ORM}: 8-way`),
    latency: doc(4, `${ORM}: 4-cycle load-to-use for simple addressing (base + disp < 2048), 5 otherwise`),
  },
  l1i: { sizeKiB: doc(32, `${ORM}: 32 KiB L1I`), ways: doc(8, `${ORM}: 8-way`) },
  // Front end: Intel ORM §2.5 (Skylake) / §2.6.2 "Decoded ICache" (the Sandy Bridge
  // description the later chapters refer back to): 32 sets × 8 ways × 6 uops, ways filled
  // from one aligned 32-byte window; the legacy decode pipeline fetches 16 bytes a cycle.
  // The manual could not be read in this session: the figures are marked assumptions.
  frontEnd: {
    opCache: {
      sets: assume(32, `${ORM}, Decoded ICache: 1.5K uops, 32 sets (not read in this session)`),
      ways: assume(8, `${ORM}, Decoded ICache: 8 ways per set`),
      opsPerEntry: assume(6, `${ORM}, Decoded ICache: up to 6 uops per way`),
      windowBytes: assume(32, `${ORM}, Decoded ICache: a way holds uops of one aligned 32-byte window`),
    },
    fetchBytesPerCycle: assume(16, `${ORM}, legacy decode pipeline: 16 bytes per cycle from the L1i (not read in this session)`),
    l2FetchBytesPerCycle: assume(32, 'L2 to L1i fill bandwidth not published; half a line per cycle assumed'),
    decodeRedirectCycles: assume(3, `${ORM}: switching from the Decoded ICache to the legacy pipeline costs a few cycles; 3 assumed`),
  },
  l2: { sizeKiB: doc(1024, `${ORM}: 1 MiB private L2`), ways: doc(16, `${ORM}: 16-way`), latency: doc(14, `${ORM}: 14-cycle L2 load-to-use`) },
  llc: {
    sizeKiB: doc(1408, `${ORM}: 1.375 MiB non-inclusive LLC slice per core`), ways: doc(11, `${ORM}: 11-way`),
    latency: assume(60, 'mesh LLC hit: the Intel ORM gives a 50–70 cycle range depending on slice distance; midpoint'),
  },
  memoryLatencyNs: assume(90, 'typical DDR4-2666 Skylake-SP idle load-to-use; no vendor figure'),
  branchMispredictPenalty: doc(17, 'Agner Fog, microarchitecture.pdf, Skylake: misprediction penalty about 15–20 cycles'),
  takenBranchBubble: assume(0, 'taken branches predicted from the BTB redirect without a bubble in a uop-cache-resident loop; one taken branch per cycle is the limit modelled by jmp throughput'),
  takenBranchesPerCycle: doc(1, `${ORM}: taken branches execute only on port 6 (port 0 takes predicted-not-taken ones), one a cycle`),
  callReturnCycles: {
    call: assume(2, 'llvm-mca 14 -mcpu=skylake-avx512 on `call f; ret` repeated 100 times: 415 cycles, 4.15 a pair; split evenly between call and ret (the split is assumed; only the pair matters for balanced code)'),
    ret: assume(2, 'as call: half of llvm-mca 14\'s 4.15 cycles per `call; ret` pair (skylake-avx512)'),
  },
  returnStackDepth: doc(16, 'Intel retbleed/RSB documentation (Documentation/admin-guide/hw-vuln): 16-entry RSB on Skylake-generation cores'),
  btbEntries: assume(4096, 'Intel does not publish the BTB size; 4K entries is the commonly measured figure'),
  coreToCore: {
    sameCluster: assume(45, 'mesh cache-line bounce within one socket; no one published figure used'),
    crossCluster: assume(45, 'Skylake-SP has no core clusters inside a socket: same as sameCluster'),
    crossSocket: doc(130, 'chipsandcheese Graviton 4 article (2024): Broadwell E5-2660 v4 126 ns, Sapphire Rapids ≈139 ns cross-socket; Skylake-SP taken in between'),
  },
  returnThunk: {
    appliesByDefault: false,
    mitigation: 'retbleed: spectre_v2=auto selects IBRS on Skylake-generation Intel parts, so returns stay `ret`; the cost is an MSR write on kernel entry',
    ops: [],
    source: 'arch/x86/kernel/cpu/bugs.c spectre_v2_select_mitigation() (Linux ≥5.19) and Documentation/admin-guide/hw-vuln/retbleed.rst',
  },
  ops: mcaOps('skylake-avx512', {
    'alu': [1, 0.25, 'p0156'], 'mov-reg': [1, 0.25, 'p0156'], 'mov-imm': [1, 0.25, 'p0156'], 'movabs': [1, 0.25, 'p0156'],
    'lea': [1, 0.5, 'p15'], 'shift': [1, 0.5, 'p06'], 'shift-cl': [3, 1.5, 'p06 (3 uops)'], 'imul': [3, 1, 'p1'],
    'div32': [76, 8, 'p0 divider'], 'div64': [76, 8, 'p0 divider'], 'movzx': [1, 0.25, 'p0156'], 'bswap': [2, 0.5, 'p15'],
    'cmov': [1, 0.5, 'p06'], 'load': [5, 0.5, 'p23'], 'load-alu': [6, 0.5, 'p23 + p0156'], 'gs-load': [6, 0.5, 'p23 + p0156'],
    'store': [1, 1, 'p237 + p4'], 'atomic-rmw': [7, 1, 'p23 + p4 + p0156'], 'push': [2, 1, 'p237 + p4'], 'pop': [6, 0.5, 'p23'],
    'leave': [7, 0.5, 'p23 + p0156'], 'branch-cond': [1, 0.5, 'p06'], 'jmp': [1, 0.5, 'p6'], 'jmp-indirect': [1, 1, 'p6'],
    'call-direct': [3, 1, 'p237 + p4 + p6'], 'call-indirect': [3, 1, 'p237 + p4 + p6'], 'ret': [7, 1, 'p23 + p6'],
    'return-thunk': [1, 0.5, 'p6'], 'nop': [1, 0.17, 'none'], 'fence': [2, 0.5, 'p23'],
  }, {
    load: docCost(4, 0.5, 'p23', `${ORM}: 4-cycle load-to-use with simple addressing, 2 loads/cycle`),
    div32: docCost(26, 6, 'p0 divider', `${AGNER}: DIV r32 latency 26, reciprocal throughput 6`),
    div64: docCost(35, 21, 'p0 divider', `${AGNER}: DIV r64 latency 35–88, reciprocal throughput 21–83; the low end applies when the dividend fits in 64 bits (rdx = 0), as in every BPF division`),
  }),
  mcaDifferences: [
    { what: 'load', ours: 4, mca: 5, reason: 'the ORM documents 4 cycles for base+small-displacement loads; LLVM charges 5 for all' },
    { what: 'div32', ours: 26, mca: 76, reason: 'LLVM 14 gives 32-bit DIV the 128/64 timing; Agner measures 26' },
    { what: 'div64', ours: 35, mca: 76, reason: 'BPF divides with rdx = 0; Agner\'s range is 35–88, LLVM 14 uses a fixed 76' },
  ],
};
