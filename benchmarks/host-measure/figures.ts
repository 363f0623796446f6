// Which model figure each measurement speaks to and how it is derived from the kernels'
// per-sample results. Derivations work sample by sample (kernels of one sample ran
// within milliseconds of each other) and are summarised by median and range afterwards.
import type { CpuModel, Figure } from '../../engine/cpus/cpu-model.ts';
import { fitReturnStackKnee } from './return-stack-knee.ts';
import { spread, type KernelSamples, type Spread } from './run.ts';

export interface FigureSpec {
  /** Short label for the table. */
  label: string;
  /** Path of the CpuModel figure it measures (e.g. 'ops.imul.latency'), if any. */
  path?: string;
  unit: 'cycles' | 'ns' | 'entries' | 'GHz' | 'per cycle';
  /** Kernels it needs. */
  kernels: string[];
  /** The value for one sample, from the kernels' values of that sample. */
  derive: (at: (kernel: string) => number) => number;
  /** Use ns rather than cycles from the kernels. */
  ns?: boolean;
  /** What the measurement is, for the reader. */
  how: string;
}

const one = (k: string, path: string | undefined, label: string, how: string, unit: FigureSpec['unit'] = 'cycles'): FigureSpec => ({
  label, path, unit, kernels: [k], derive: (at) => at(k), how,
});

const latTp = (cls: string, insn: string, lat = `${cls}.lat`, tp = `${cls}.tp`, path = cls): FigureSpec[] => [
  one(lat, `ops.${path}.latency`, `${path} lat`, `dependent chain of \`${insn}\``),
  one(tp, `ops.${path}.rthroughput`, `${path} rthr`, `\`${insn}\` on 11 independent registers`),
];

export const NEST_DEPTHS = [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 46, 48, 50, 52, 54, 56, 58, 60, 64, 68, 72, 76, 80, 88, 96, 104, 112, 120, 128];

export const FIGURE_SPECS: FigureSpec[] = [
  { label: 'core clock', unit: 'GHz', kernels: ['add.lat'], derive: (at) => 1 / at('add.lat'), ns: true, how: 'clock ruler: dependent `add` chain, 1 cycle per add' },
  one('add.lat', undefined, 'alu lat (ruler)', 'the clock ruler itself: 1 by construction'),
  one('add.tp', 'ops.alu.rthroughput', 'alu rthr', '`add` on 11 independent registers'),
  ...latTp('lea', 'lea r, [r + 8]'),
  ...latTp('shift', 'shl r, 5', 'shl-imm.lat', 'shl-imm.tp'),
  one('shlx.lat', undefined, 'shlx lat', 'dependent chain of `shlx` (BMI2 form of the shift class)'),
  one('shlx.tp', undefined, 'shlx rthr', '`shlx` on 11 independent registers'),
  ...latTp('shift-cl', 'shl r, cl', 'shl-cl.lat', 'shl-cl.tp'),
  ...latTp('imul', 'imul r, r'),
  {
    label: 'div32 lat', path: 'ops.div32.latency', unit: 'cycles', kernels: ['div32-big.lat'],
    derive: (at) => at('div32-big.lat') - 1, how: '`xor edx,edx; div ecx; or eax, ebx` chain minus the `or`; 0x7fffffff / 7',
  },
  { label: 'div32 lat small q', unit: 'cycles', kernels: ['div32-small.lat'], derive: (at) => at('div32-small.lat') - 1, how: 'as div32 lat; 0xffff / 7' },
  one('div32-big.tp', 'ops.div32.rthroughput', 'div32 rthr', 'independent `div ecx`; 0x7fffffff / 7'),
  {
    label: 'div64 lat', path: 'ops.div64.latency', unit: 'cycles', kernels: ['div64-big.lat'],
    derive: (at) => at('div64-big.lat') - 1, how: '`xor edx,edx; div rcx; or rax, rbx` chain minus the `or`; (2^63-1) / 7',
  },
  { label: 'div64 lat small q', unit: 'cycles', kernels: ['div64-small.lat'], derive: (at) => at('div64-small.lat') - 1, how: 'as div64 lat; 0xffff / 7' },
  one('div64-big.tp', 'ops.div64.rthroughput', 'div64 rthr', 'independent `div rcx`; (2^63-1) / 7'),
  one('div64-small.tp', undefined, 'div64 rthr small q', 'independent `div rcx`; 0xffff / 7'),
  ...latTp('movzx', 'movzx'),
  ...latTp('bswap', 'bswap r64'),
  ...latTp('cmov', 'cmovz'),
  {
    label: 'mov-reg lat', path: 'ops.mov-reg.latency', unit: 'cycles', kernels: ['mov-add.pair'],
    derive: (at) => at('mov-add.pair') - 1, how: '`mov rdx, rax; add rax, rdx` chain minus the add (0: eliminated at rename)',
  },
  one('mov-reg.tp', 'ops.mov-reg.rthroughput', 'mov-reg rthr', '`mov r, rcx` into 11 registers'),
  one('mov-imm.tp', 'ops.mov-imm.rthroughput', 'mov-imm rthr', '`mov r32, imm32` into 11 registers'),
  one('movabs.tp', 'ops.movabs.rthroughput', 'movabs rthr', '`movabs r64, imm64` into 11 registers'),
  one('nop5.tp', 'ops.nop.rthroughput', 'nop rthr', '5-byte `nop dword ptr [rax+rax]`'),
  one('lfence.tp', 'ops.fence.rthroughput', 'fence rthr', 'back-to-back `lfence`'),
  one('chase-4KiB', 'l1d.latency', 'L1d load-to-use', 'pointer chase, random order, 4 KiB'),
  one('chase-4KiB', 'ops.load.latency', 'load lat', 'pointer chase, random order, 4 KiB'),
  one('chase-32KiB', undefined, 'chase 32 KiB', 'pointer chase, random order'),
  one('chase-64KiB', undefined, 'chase 64 KiB', 'pointer chase, random order'),
  one('chase-256KiB', 'l2.latency', 'L2 load-to-use', 'pointer chase, random order, 256 KiB'),
  one('chase-512KiB', undefined, 'chase 512 KiB', 'pointer chase, random order'),
  one('chase-768KiB', undefined, 'chase 768 KiB', 'pointer chase, random order'),
  one('chase-2MiB', undefined, 'chase 2 MiB', 'pointer chase, random order'),
  one('chase-4MiB', undefined, 'chase 4 MiB', 'pointer chase, random order'),
  one('chase-8MiB', undefined, 'chase 8 MiB', 'pointer chase, random order'),
  one('chase-16MiB', undefined, 'chase 16 MiB', 'pointer chase, random order'),
  one('chase-32MiB', undefined, 'chase 32 MiB', 'pointer chase, random order'),
  { label: 'chase 256 MiB', unit: 'ns', kernels: ['chase-256MiB'], derive: (at) => at('chase-256MiB'), ns: true, how: 'pointer chase, random order' },
  one('store-forward.pair', undefined, 'store+reload pair', '`mov [m], rax; mov rax, [m]` chain'),
  one('push-pop.pair', undefined, 'push+pop pair', '`push rax; pop rax` chain'),
  one('push.tp', 'ops.push.rthroughput', 'push rthr', '32 `push` then `add rsp, 256`'),
  one('pop.tp', 'ops.pop.rthroughput', 'pop rthr', '`sub rsp, 256` then 32 `pop`'),
  one('lock-add.lat', 'ops.atomic-rmw.latency', 'atomic-rmw lat', '`lock add [m], rcx` to one line, back to back'),
  one('lock-add.tp', 'ops.atomic-rmw.rthroughput', 'atomic-rmw rthr', '`lock add` to 8 lines in turn'),
  one('branch-alternating.iter', undefined, 'branch predictable', 'cycles per `shr; jnc` on an alternating bit pattern'),
  one('branch-random.iter', undefined, 'branch random', 'cycles per `shr; jnc` on random bits'),
  {
    label: 'mispredict penalty', path: 'branchMispredictPenalty', unit: 'cycles',
    kernels: ['branch-random.iter', 'branch-alternating.iter'],
    derive: (at) => (at('branch-random.iter') - at('branch-alternating.iter')) / 0.5,
    how: '(random − alternating) per branch / 0.5 mispredicts per random branch',
  },
  one('call-ret.pair', undefined, 'call+ret pair', '`call f` to a bare `ret`, back to back'),
  one('call-ret-work.pair', undefined, 'call+6 add+ret', '`call f`, f: six independent `add`s and `ret`'),
  one('call-jmp-ret.pair', undefined, 'call+jmp+ret', '`call f`, f: a taken `jmp` and `ret`'),
  one('call-ret-jmp.pair', undefined, 'call+ret, jmp', '`call f` to a bare `ret`, then a taken `jmp` in the caller'),
  one('call-pop.tp', 'callReturnCycles.call', 'call rate', '`call` to the next instruction, which pops the return address'),
  {
    label: 'ret rate', path: 'callReturnCycles.ret', unit: 'cycles', kernels: ['call-ret.pair', 'call-pop.tp'],
    derive: (at) => at('call-ret.pair') - at('call-pop.tp'), how: 'call+ret pair minus a call with no return',
  },
  {
    label: 'taken/cycle', path: 'takenBranchesPerCycle', unit: 'per cycle', kernels: ['jmp-taken.tp'],
    derive: (at) => 1 / ((at('jmp-taken.tp') * 20) / 21), how: '20 taken `jmp`s plus the loop\'s `jnz` per iteration',
  },
  one('jcc-taken.tp', undefined, 'taken jz', 'always-taken `jz` over a ud2, back to back'),
  {
    label: 'return stack depth', path: 'returnStackDepth', unit: 'entries',
    kernels: NEST_DEPTHS.map((d) => `nest-${d}`),
    derive: (at) => fitReturnStackKnee(NEST_DEPTHS.map((d) => ({ depth: d, cycles: at(`nest-${d}`) })))?.depth ?? NaN,
    how: 'knee of the cost of calls nested d deep through distinct call sites',
  },
];

export interface MeasuredFigure {
  spec: FigureSpec;
  spread: Spread;
  samples: number[];
}

export function deriveFigures(kernels: Map<string, KernelSamples>, specs: readonly FigureSpec[] = FIGURE_SPECS): MeasuredFigure[] {
  const out: MeasuredFigure[] = [];
  for (const spec of specs) {
    const got = spec.kernels.map((k) => kernels.get(k));
    if (got.some((k) => k === undefined)) continue;
    const n = Math.min(...got.map((k) => (spec.ns ? k!.ns : k!.cycles).length));
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = spec.derive((name) => {
        const k = kernels.get(name)!;
        return (spec.ns ? k.ns : k.cycles)[i];
      });
      if (Number.isFinite(v)) samples.push(v);
    }
    if (samples.length > 0) out.push({ spec, spread: spread(samples), samples });
  }
  return out;
}

/** The model figure at a dotted path ('ops.imul.latency'), or undefined. */
export function modelFigure(model: CpuModel, path: string): Figure | undefined {
  let o: unknown = model;
  for (const key of path.split('.')) {
    if (o === null || typeof o !== 'object') return undefined;
    o = (o as Record<string, unknown>)[key];
  }
  const f = o as Partial<Figure> | undefined;
  return f && typeof f.value === 'number' && typeof f.basis === 'string' ? (f as Figure) : undefined;
}
