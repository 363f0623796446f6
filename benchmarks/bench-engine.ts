// Interpreter speed: ns per executed BPF instruction on a loop-heavy program (10 million
// iterations of load, mul, add, xor, store, add, add, jlt) and over the bpf_conformance
// programs (each run once per sample; tiny programs, so this row includes the per-run
// set-up), measured with tinybench. Prints median, min and max over the samples in an
// 80-column table.
//   npm run bench:engine [-- --iterations N] [-- --loops N] [-- --conformance DIR]

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { readDataFile } from '../engine/asm/data-file.ts';
import { assembleProgram } from '../engine/asm/to-program.ts';
import { conformanceHelpers, type ProgramInstance } from '../engine/exec/index.ts';
import { encodeProgram, type RawInsn } from '../engine/isa/encoding.ts';
import { specsByMnemonic, type OperandForm } from '../engine/isa/opcodes.ts';
import { instantiate, loadProgram } from '../engine/exec/index.ts';
import type { Program } from '../engine/program.ts';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const LOOPS = flag('loops', 10_000_000);
const SAMPLES = flag('iterations', 7);
const ci = argv.indexOf('--conformance');
// Default: the bpf_conformance checkout beside the project, as test/conformance uses.
const CONFORMANCE_DIR = ci >= 0 ? argv[ci + 1] : fileURLToPath(new URL('../../shared/conformance/', import.meta.url));

const specs = specsByMnemonic();
function op(mnemonic: string, form: OperandForm, f: Partial<RawInsn>): RawInsn {
  const s = specs.get(mnemonic)?.find((x) => x.form === form);
  if (!s) throw new Error(`opcode table has no ${mnemonic} ${form}`);
  const insn: RawInsn = { opcode: s.opcode, dst: 0, src: 0, off: 0, imm: 0, ...f };
  if (s.match) insn[s.match.field] = s.match.value;
  return insn;
}

/** r1 = i, r2 = limit, r3 = accumulator, [r10-8] = state. Body: 8 insns, one load + one store. */
function loopProgram(loops: number): Program {
  const insns: RawInsn[] = [
    op('mov', 'dst,imm', { dst: 1, imm: 0 }),
    op('mov', 'dst,imm', { dst: 2, imm: loops }),
    op('mov', 'dst,imm', { dst: 3, imm: 0 }),
    op('stdw', 'store-imm', { dst: 10, off: -8, imm: 1 }),
    // loop:
    op('ldxdw', 'load', { dst: 4, src: 10, off: -8 }),
    op('mul', 'dst,imm', { dst: 4, imm: 0x9e3779b1 | 0 }),
    op('add', 'dst,src', { dst: 4, src: 1 }),
    op('xor', 'dst,src', { dst: 4, src: 3 }),
    op('stxdw', 'store-reg', { dst: 10, off: -8, src: 4 }),
    op('add', 'dst,src', { dst: 3, src: 4 }),
    op('add', 'dst,imm', { dst: 1, imm: 1 }),
    op('jlt', 'dst,src,off', { dst: 1, src: 2, off: -8 }),
    op('mov', 'dst,src', { dst: 0, src: 3 }),
    op('exit', 'none', {}),
  ];
  return { name: 'loop', source: 'bench-engine:loop', insns: encodeProgram(insns), maps: [], type: 'raw' };
}

interface Row {
  name: string;
  insns: number;
  medianNs: number;
  minNs: number;
  maxNs: number;
  samples: number;
}

interface Runnable {
  inst: ProgramInstance;
  ctx?: Uint8Array;
}

async function measure(name: string, runs: Runnable[], samples: number): Promise<Row> {
  let insns = 0;
  for (const r of runs) insns += r.inst.run({ ctx: r.ctx }).insnsExecuted;
  const bench = new Bench({ iterations: samples, time: 0, warmupIterations: 2, warmupTime: 0, retainSamples: true });
  bench.add(name, () => {
    for (const r of runs) r.inst.run({ ctx: r.ctx });
  });
  await bench.run();
  const lat = bench.tasks[0].result;
  if (!('latency' in lat)) throw new Error(`benchmark ${name} did not complete: ${lat.state}`);
  const perInsn = (ms: number): number => (ms * 1e6) / insns;
  return { name, insns, medianNs: perInsn(lat.latency.p50), minNs: perInsn(lat.latency.min), maxNs: perInsn(lat.latency.max), samples: lat.latency.samplesCount };
}

/** Every conformance program with asm and an expected result that assembles and runs. */
function conformancePrograms(dir: string): Runnable[] {
  const out: Runnable[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.data')).sort()) {
    try {
      const data = readDataFile(join(dir, f));
      if (!data.asm || data.result === undefined) continue;
      const program = assembleProgram(data.asm.value, { name: f, source: f });
      const inst = instantiate(loadProgram(program, { helpers: conformanceHelpers }));
      const ctx = data.mem?.value;
      inst.run({ ctx, maxInsns: 10_000_000 });
      out.push({ inst, ctx });
    } catch {
      // not assemblable or not runnable here: the conformance runner reports those
    }
  }
  return out;
}

const rows = [await measure('loop (ld,mul,add,xor,st,add,add,jlt)', [{ inst: instantiate(loadProgram(loopProgram(LOOPS))) }], SAMPLES)];
const conf = existsSync(CONFORMANCE_DIR) ? conformancePrograms(CONFORMANCE_DIR) : [];
if (conf.length) rows.push(await measure(`conformance (${conf.length} programs, per run)`, conf, SAMPLES * 10));
else console.log(`conformance row skipped: no .data files in ${CONFORMANCE_DIR}`);

const line = '-'.repeat(78);
console.log(`bpfexc interpreter, node ${process.version}; samples: ${rows.map((r) => r.samples).join(', ')}`);
console.log(line);
console.log('program'.padEnd(38) + 'insns/run'.padStart(12) + 'median'.padStart(9) + 'min'.padStart(9) + 'max'.padStart(9));
console.log(' '.repeat(50) + '(ns per executed instruction)'.padStart(28));
console.log(line);
for (const r of rows) {
  console.log(
    r.name.slice(0, 37).padEnd(38) +
      String(r.insns).padStart(12) +
      r.medianNs.toFixed(2).padStart(9) +
      r.minNs.toFixed(2).padStart(9) +
      r.maxNs.toFixed(2).padStart(9),
  );
}
console.log(line);
