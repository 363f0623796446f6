// AMD Zen 5 (EPYC 9005 "Turin", family 1Ah). LLVM 14 has no Zen 4/5 model (znver4
// arrived in LLVM 16, znver5 in LLVM 19), so nothing here is llvm-mca's. Sources: AMD
// "Software Optimization Guide for the AMD Zen5 Microarchitecture" (pub. 58455, 2024;
// cited as AMD SOG Zen5); where it gives no figure, the Zen 3 value is carried over and
// marked as an assumption (same integer pipeline depth and ALU design).

import { assume, assumeCost, doc, docCost, type CpuModel, type OpCost } from './cpu-model.ts';
import type { OpClass } from '../timing/op-class.ts';
import { zen3 } from './zen3.ts';

const SOG = 'AMD SOG Zen5 (pub. 58455)';

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
  l1d: { sizeKiB: doc(48, `${SOG}: 48 KiB L1D`), ways: doc(12, `${SOG}: 12-way`), latency: doc(4, `${SOG}: 4-cycle integer load-to-use`) },
  l1i: { sizeKiB: doc(32, `${SOG}: 32 KiB L1I`), ways: doc(8, `${SOG}: 8-way`) },
  l2: { sizeKiB: doc(1024, `${SOG}: 1 MiB private L2`), ways: doc(16, `${SOG}: 16-way`), latency: doc(14, `${SOG}: 14-cycle L2 load-to-use`) },
  llc: {
    sizeKiB: doc(32768, `${SOG}: 32 MiB L3 per 8-core CCD`), ways: doc(16, `${SOG}: 16-way`),
    latency: assume(50, 'no vendor figure found; Zen 3\'s 46 cycles plus the larger ring, ≈50'),
  },
  memoryLatencyNs: assume(110, 'typical DDR5 EPYC 9005 idle load-to-use; no vendor figure'),
  branchMispredictPenalty: assume(13, 'no published Zen 5 figure; Zen 3\'s 11–18 (AMD SOG 19h) kept'),
  takenBranchBubble: doc(0, `${SOG}: the L1 BTB predicts two taken branches per cycle without bubbles`),
  returnStackDepth: doc(52, `${SOG}: 52-entry return address stack (per thread in single-thread mode)`),
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
