// Intel Ice Lake-SP (Xeon Scalable 3rd gen, Sunny Cove cores). Op costs: llvm-mca 14's
// IceLakeServer model (llvm/lib/Target/X86/X86SchedIceLake.td, -mcpu=icelake-server; in
// LLVM 14 it is derived from the Skylake-Server model). Divides: Agner Fog's instruction
// tables (Ice Lake). Cache facts: Intel ORM, Ice Lake chapter. Sapphire Rapids is not
// modelled: LLVM 14 maps -mcpu=sapphirerapids to the Skylake-Server model.

import { assume, doc, docCost, type CpuModel } from './cpu-model.ts';
import { mcaOps } from './mca-table.ts';

const ORM = 'Intel ORM, Ice Lake (Sunny Cove) chapter';
const AGNER = 'Agner Fog, instruction tables (Ice Lake)';

export const icelake: CpuModel = {
  id: 'icelake',
  name: 'Intel Ice Lake-SP (Xeon Scalable, 3rd gen)',
  isa: 'x86-64',
  llvm: { mcpu: 'icelake-server', triple: 'x86_64', modelInLlvm14: 'IceLakeModel (X86SchedIceLake.td)' },
  frequencyGHz: doc(2.3, 'Xeon Platinum 8380 base clock, Intel ARK'),
  decodeWidth: doc(4, `${ORM}: 4 legacy decoders, 6 uops/cycle from the decoded icache`),
  issueWidth: doc(5, `${ORM}: 5 uops/cycle allocate/rename`),
  retireWidth: doc(5, `${ORM}: retire width matches allocation`),
  robSize: doc(352, `${ORM}: 352-entry reorder buffer`),
  lineBytes: doc(64, `${ORM}: 64-byte lines`),
  l1d: { sizeKiB: doc(48, `${ORM}: 48 KiB L1D`), ways: doc(12, `${ORM}: 12-way`), latency: doc(5, `${ORM}: 5-cycle load-to-use`) },
  l1i: { sizeKiB: doc(32, `${ORM}: 32 KiB L1I`), ways: doc(8, `${ORM}: 8-way`) },
  // Front end: Intel ORM, Ice Lake chapter: Decoded ICache of 2.25K uops (Skylake: 1.5K),
  // otherwise organised as Skylake's; not read in this session, so marked assumptions.
  frontEnd: {
    opCache: {
      sets: assume(48, `${ORM}: Decoded ICache 2.25K uops; 48 sets × 8 ways × 6 uops assumed (not read in this session)`),
      ways: assume(8, `${ORM}: 8 ways per set, as Skylake`),
      opsPerEntry: assume(6, `${ORM}: up to 6 uops per way, as Skylake`),
      windowBytes: assume(32, `${ORM}: aligned 32-byte windows, as Skylake`),
    },
    fetchBytesPerCycle: assume(16, `${ORM}: legacy decode 16 bytes per cycle, as Skylake (not read in this session)`),
    l2FetchBytesPerCycle: assume(32, 'Skylake-SP figure kept (not published)'),
    decodeRedirectCycles: assume(3, 'Skylake-SP figure kept (assumed)'),
  },
  l2: { sizeKiB: doc(1280, `${ORM}: 1.25 MiB private L2`), ways: doc(20, `${ORM}: 20-way`), latency: doc(14, `${ORM}: 14-cycle L2 load-to-use`) },
  llc: {
    sizeKiB: doc(1536, `${ORM}: 1.5 MiB LLC slice per core`), ways: doc(12, `${ORM}: 12-way`),
    latency: assume(70, 'mesh LLC hit on a 40-core die; no vendor figure, taken as Skylake-SP plus the larger mesh'),
  },
  memoryLatencyNs: assume(95, 'typical DDR4-3200 Ice Lake-SP idle load-to-use; no vendor figure'),
  branchMispredictPenalty: assume(17, 'no published Sunny Cove figure; Skylake\'s 15–20 (Agner) kept'),
  takenBranchBubble: assume(0, 'as Skylake-SP'),
  takenBranchesPerCycle: doc(1, `${ORM}: taken branches execute on port 6 only, one a cycle`),
  callReturnCycles: {
    call: assume(2, 'llvm-mca 14 -mcpu=icelake-server on `call f; ret` repeated 100 times: 415 cycles, 4.15 a pair; split evenly between call and ret (assumed)'),
    ret: assume(2, 'as call: half of llvm-mca 14\'s 4.15 cycles per `call; ret` pair (icelake-server)'),
  },
  returnStackDepth: assume(16, 'as Skylake-generation RSB; Intel does not publish a Sunny Cove figure'),
  btbEntries: assume(5120, 'Intel states the Sunny Cove BTB is larger than Skylake\'s without a number; 5K assumed'),
  coreToCore: {
    sameCluster: assume(50, 'mesh cache-line bounce within one socket; no one published figure used'),
    crossCluster: assume(50, 'no clusters inside a socket: same as sameCluster'),
    crossSocket: doc(135, 'chipsandcheese Graviton 4 article (2024): Intel cross-socket 126 ns (Broadwell) to ≈139 ns (Sapphire Rapids)'),
  },
  returnThunk: {
    appliesByDefault: true,
    name: 'ITS',
    mitigation: 'ITS (Indirect Target Selection, Linux ≥6.15): on affected parts (Ice Lake listed) returns are patched to its_return_thunk, a ret placed in the upper half of a cache line',
    ops: [{ cls: 'ret', text: 'ret' }],
    source: 'Documentation/admin-guide/hw-vuln/indirect-target-selection.rst and arch/x86/lib/retpoline.S (its_return_thunk), Linux v6.15',
  },
  ops: mcaOps('icelake-server', {
    'alu': [1, 0.25, 'p0156'], 'mov-reg': [1, 0.25, 'p0156'], 'mov-imm': [1, 0.25, 'p0156'], 'movabs': [1, 0.25, 'p0156'],
    'lea': [1, 0.5, 'p15'], 'shift': [1, 0.5, 'p06'], 'shift-cl': [3, 1.5, 'p06 (3 uops)'], 'imul': [3, 1, 'p1'],
    'div32': [76, 8, 'p0 divider'], 'div64': [76, 8, 'p0 divider'], 'movzx': [1, 0.25, 'p0156'], 'bswap': [2, 0.5, 'p15'],
    'cmov': [1, 0.5, 'p06'], 'load': [5, 0.5, 'p23'], 'load-alu': [6, 0.5, 'p23 + p0156'], 'gs-load': [6, 0.5, 'p23 + p0156'],
    'store': [1, 1, 'p78 + p49'], 'atomic-rmw': [7, 1, 'p23 + p49 + p0156'], 'push': [2, 1, 'p78 + p49'], 'pop': [6, 0.5, 'p23'],
    'leave': [7, 0.5, 'p23 + p0156'], 'branch-cond': [1, 0.5, 'p06'], 'jmp': [1, 0.5, 'p6'], 'jmp-indirect': [1, 1, 'p6'],
    'call-direct': [3, 1, 'p78 + p49 + p6'], 'call-indirect': [3, 1, 'p78 + p49 + p6'], 'ret': [7, 1, 'p23 + p6'],
    'return-thunk': [1, 0.5, 'p6'], 'nop': [1, 0.17, 'none'], 'fence': [2, 0.5, 'p23'],
  }, {
    div32: docCost(12, 6, 'p0 divider', `${AGNER}: DIV r32 latency 12, reciprocal throughput 6 (new radix-16 divider)`),
    div64: docCost(15, 10, 'p0 divider', `${AGNER}: DIV r64 latency 15, reciprocal throughput 10`),
  }),
  mcaDifferences: [
    { what: 'div32', ours: 12, mca: 76, reason: 'LLVM 14\'s Ice Lake model keeps Skylake\'s divider; Sunny Cove has a faster one (Agner)' },
    { what: 'div64', ours: 15, mca: 76, reason: 'as div32' },
    // LLVM 16 onward (seen with 19.1.7) gives Ice Lake stores two store-data/address
    // port pairs (p49 + p78): two a cycle. Intel's optimization manual (Sunny Cove) sustains
    // two stores a cycle only when both hit one cache line, so ours keeps LLVM 14's one.
    { what: 'store', ours: 1, mca: 0.5, reason: 'LLVM 19 issues two stores a cycle (p49 + p78); Intel sustains that only within one cache line; ours keeps one a cycle' },
    { what: 'atomic-rmw', ours: 1, mca: 0.5, reason: 'throughput: its store part, as for store' },
    { what: 'push', ours: 1, mca: 0.5, reason: 'throughput: its store part, as for store' },
    { what: 'call-direct', ours: 1, mca: 0.5, reason: 'throughput: its return-address store, as for store' },
  ],
};
