// AMD Zen 3 (EPYC 7003 "Milan", family 19h). Op costs: llvm-mca 14's Znver3 model
// (llvm/lib/Target/X86/X86ScheduleZnver3.td), as printed by llvm-mca for the
// X86_PROBES instructions; the rest: "Software Optimization Guide for AMD Family 19h
// Processors" (AMD pub. 56665, rev 3.00, 2020), cited below as AMD SOG 19h.

import { assume, doc, docCost, type CpuModel } from './cpu-model.ts';
import { mcaOps } from './mca-table.ts';

const SOG = 'AMD SOG 19h (pub. 56665)';

export const zen3: CpuModel = {
  id: 'zen3',
  name: 'AMD Zen 3 (EPYC 7003 Milan)',
  isa: 'x86-64',
  llvm: { mcpu: 'znver3', triple: 'x86_64', modelInLlvm14: 'Znver3Model (X86ScheduleZnver3.td)' },
  frequencyGHz: doc(2.45, 'EPYC 7763 base clock, AMD product page'),
  decodeWidth: doc(4, `${SOG}: 4 instructions/cycle from the decoders (8 macro-ops/cycle from the op cache)`),
  issueWidth: doc(6, `${SOG}: dispatch of 6 macro-ops per cycle`),
  retireWidth: doc(8, `${SOG}: retire of 8 macro-ops per cycle`),
  robSize: doc(256, `${SOG}: 256-entry retire queue`),
  lineBytes: doc(64, `${SOG}: 64-byte cache lines`),
  l1d: {
    sizeKiB: doc(32, `${SOG}: 32 KiB L1 data cache`),
    ways: doc(8, `${SOG}: 8-way`),
    latency: doc(4, `${SOG}: 4-cycle integer load-to-use (llvm-mca 14 charges 5: see mcaDifferences)`),
  },
  l1i: { sizeKiB: doc(32, `${SOG}: 32 KiB L1 instruction cache`), ways: doc(8, `${SOG}: 8-way`) },
  // Front end: AnandTech "AMD Zen 3 Ryzen Deep Dive Review", page "The New Zen 3 Core:
  // Front-End Updates" (read for this): 32 KiB L1i feeding a 4-wide decoder, op cache
  // delivering 8 macro-ops/cycle, L1 BTB 1024 and L2 BTB 6.5K entries. The organisation
  // below is the SOG's section on the op cache as cited elsewhere; the document itself
  // could not be read in this session, so those figures are marked assumptions.
  frontEnd: {
    opCache: {
      sets: assume(64, `${SOG} §2.9 Op Cache: 4K macro-ops in 64 sets (not read in this session; the Family 17h guide's organisation, which 19h keeps at 4K ops)`),
      ways: assume(8, `${SOG} §2.9 Op Cache: 8 ways (as sets)`),
      opsPerEntry: assume(8, `${SOG} §2.9 Op Cache: up to 8 macro-ops per entry, one aligned 64-byte window (as sets)`),
      windowBytes: assume(64, `${SOG} §2.9 Op Cache: entries hold ops of one 64-byte-aligned window (as sets)`),
    },
    fetchBytesPerCycle: assume(32, `${SOG} §2.8.2 Instruction Fetch and Decode: 32 bytes fetched per cycle for the 4 decoders (not read in this session)`),
    l2FetchBytesPerCycle: assume(32, `${SOG} §2.6 cache hierarchy: L2 to L1 fills 32 bytes per cycle (not read in this session)`),
    decodeRedirectCycles: assume(5, `${SOG}: mispredict penalty 11–18 cycles "depending on … whether the instructions are being fed from the op cache"; 18 − 13 (the common, op-cache case) taken for a redirect into code that misses the op cache (not read in this session)`),
  },
  l2: {
    sizeKiB: doc(512, `${SOG}: 512 KiB private L2`),
    ways: doc(8, `${SOG}: 8-way`),
    latency: doc(12, `${SOG}: 12-cycle L2 load-to-use`),
  },
  llc: {
    sizeKiB: doc(32768, `${SOG}: 32 MiB L3 shared by the 8 cores of a CCX`),
    ways: doc(16, `${SOG}: 16-way`),
    latency: doc(46, `${SOG}: average L3 load-to-use of 46 cycles`),
  },
  memoryLatencyNs: assume(95, 'typical DDR4-3200 EPYC idle load-to-use; no vendor figure'),
  branchMispredictPenalty: doc(13, `${SOG}: mispredict penalty 11–18 cycles; 13 is the common case`),
  takenBranchBubble: doc(0, `${SOG}: the 1024-entry L1 BTB predicts taken branches without a bubble`),
  takenBranchesPerCycle: assume(1, `one taken transfer a cycle: ${SOG} describes zero-bubble taken branches from the L1 BTB but no two-taken-per-cycle prediction (AMD introduces that with Zen 5)`),
  callReturnCycles: {
    call: assume(1, 'Zen 5\'s host measurement carried over (a `call` with no return, back to back: 1.0 cycle each); no Zen 3 figure found'),
    ret: assume(3, 'Zen 5\'s host measurement carried over (call/ret pairs 4.05 cycles a pair, minus the call); llvm-mca 14 (znver3) charges a `call; ret` stream 2.02 cycles a pair from port pressure alone, without the front end'),
  },
  returnStackDepth: doc(32, `${SOG}: 32-entry return address stack`),
  btbEntries: doc(6656, `${SOG}: 1024-entry L1 BTB plus 6.5K-entry L2 BTB`),
  coreToCore: {
    sameCluster: doc(17, 'AnandTech Ryzen 9 7950X review, core-to-core latency page: 15–19 ns within one L3 (Zen 3 5950X and Zen 4)'),
    crossCluster: doc(80, 'AnandTech Ryzen 9 7950X review: up to 79.5 ns between cores of different CCDs'),
    crossSocket: assume(200, 'chipsandcheese "Arm\'s Neoverse V2, in AWS\'s Graviton 4" (2024): AMD Bergamo cross-socket bounces exceed 200 ns; Zen 3 taken to be the same'),
  },
  returnThunk: {
    appliesByDefault: true,
    name: 'SRSO safe-RET',
    mitigation: 'SRSO, spec_rstack_overflow=safe-ret (the default): returns become jmp srso_alias_return_thunk',
    ops: [
      { cls: 'call-direct', text: 'call srso_alias_safe_ret' },
      { cls: 'lea', text: 'lea rsp, [rsp + 8]' },
      { cls: 'ret', text: 'ret' },
    ],
    // Why every thunked return mispredicts, and the model need not force it: `call
    // srso_alias_safe_ret` pushes a return-stack entry pointing at the thunk's own `ud2`;
    // `lea rsp, [rsp + 8]` drops that return address from the real stack; the `ret` is
    // then predicted to the `ud2` while it really goes to the original caller. The kernel
    // says so of the Zen 1/2 twin (srso_safe_ret): "This RET will then mispredict and
    // execution will continue at the return site read from the top of the stack". The
    // return stack and call stack of the timing model replay exactly this. Measured
    // consequence on Zen 3: SUSE traced a 7-12% iperf3 UDP regression to one function the
    // compiler stopped inlining, "augmented by the 'Safe RET' mitigation for SRSO"
    // (its fix is upstream commit 50aee97d1511, net/ipv4/udp.c).
    source: 'arch/x86/lib/retpoline.S (srso_alias_return_thunk: call srso_alias_safe_ret; ud2 — srso_alias_safe_ret: lea 8(%rsp), %rsp; ret) and Documentation/admin-guide/hw-vuln/srso.rst ("Safe RET", the default with microcode), Linux v6.x: Zen 3/4 (family 19h) use the alias thunk; the ret mispredicts by design',
  },
  ops: mcaOps('znver3', {
    'alu': [1, 0.25, 'ALU0-3'], 'mov-reg': [0, 0.17, 'rename (eliminated)'], 'mov-imm': [1, 0.5, 'ALU'],
    'movabs': [1, 1, 'ALU'], 'lea': [1, 0.33, 'ALU/AGU'], 'shift': [1, 0.5, 'ALU1-2'], 'shift-cl': [1, 0.5, 'ALU1-2'],
    'imul': [3, 1, 'ALU1 (MUL)'], 'div32': [13, 13, 'ALU2 (DIV)'], 'div64': [17, 17, 'ALU2 (DIV)'],
    'movzx': [1, 0.25, 'ALU0-3'], 'bswap': [1, 0.25, 'ALU0-3'], 'cmov': [1, 0.5, 'ALU'],
    'load': [5, 0.33, 'AGU0-2 + LD'], 'load-alu': [5, 0.33, 'AGU + ALU'], 'gs-load': [5, 0.33, 'AGU + ALU'],
    'store': [1, 1, 'AGU + ST'], 'atomic-rmw': [6, 0.67, 'AGU + LD + ST'], 'push': [1, 1, 'AGU + ST'],
    'pop': [5, 0.33, 'AGU + LD'], 'leave': [1, 0.25, 'ALU + LD'], 'branch-cond': [1, 0.5, 'BRU0-1'],
    'jmp': [1, 0.5, 'BRU0-1'], 'jmp-indirect': [1, 0.5, 'BRU'], 'call-direct': [1, 0.5, 'BRU + ST'],
    'call-indirect': [1, 0.5, 'BRU + ST'], 'ret': [5, 0.5, 'BRU + LD'], 'return-thunk': [1, 0.5, 'BRU0-1'],
    'nop': [0, 0.25, 'none'], 'fence': [1, 10, 'LD'],
  }, {
    load: docCost(4, 0.33, 'AGU0-2 + LD', `${SOG}: 4-cycle integer load-to-use; 3 loads/cycle`),
  }),
  mcaDifferences: [
    { what: 'load', ours: 4, mca: 5, reason: 'AMD documents a 4-cycle integer L1 load-to-use; the Znver3 model adds a cycle to every load' },
  ],
};
