// Survey of real BPF objects (programs nobody here wrote): for each program, does the
// running kernel load and test-run it, does bpfexc run it, with the same r0 and output
// packet, and does it run under every strategy on every CPU model with no missing cost.
//
// The kernel's own verdict comes from bpftool (libbpf loads the object as a developer's
// loader would: CO-RE, maps, BTF; `bpftool prog run` is BPF_PROG_TEST_RUN), so a program
// counts as kernel-runnable independently of bpfexc's ELF loader. Where bpftool is
// missing or cannot load the object (libbpf loads all of an object's programs or none),
// bpfexc's linked bytes are loaded instead (engine/oracle/kernel-referee.ts), and the row
// says so. Both sides get the input `bpfexc run --referee kernel` uses.
//
// usage: npm run survey:real -- DIR_OR_OBJ... [--json FILE] [--invocations N]
//        [--cpu-model LIST] [--strategy LIST]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { programsWithInputs } from '../../engine/inputs/program-inputs.ts';
import { BpfError } from '../../engine/errors.ts';
import { readElf64, type ElfFile } from '../../engine/elf/elf64.ts';
import { defaultHelpers, instantiate, loadProgram } from '../../engine/exec/index.ts';
import { parseCpuModelList, parseStrategyList } from '../../engine/experiment/index.ts';
import { openKernel, type KernelHandle } from '../../engine/kernel/bpf-syscall.ts';
import { comparedPacketBytes, kernelTypeOf, refereeProgram, type RefereeVerdict } from '../../engine/oracle/kernel-referee.ts';
import type { Program } from '../../engine/program.ts';
import { run } from '../../engine/run.ts';

type KernelSide = { runs: true; r0: number; packet?: Uint8Array; via: 'bpftool' | 'bpfexc-bytes' } | { runs: false; why: string; via: 'bpftool' | 'bpfexc-bytes' };

interface Row {
  object: string;
  program: string;
  type: string;
  kernel: KernelSide;
  bpfexc: { r0: number } | { error: string };
  /** Same r0 and packet as the kernel (undefined: not comparable). */
  same?: boolean;
  sameWhy?: string;
  strategies?: { ok: true } | { ok: false; why: string };
}

/** bpftool's program types that BPF_PROG_TEST_RUN drives with a packet. */
const BPFTOOL_PACKET_TYPES = new Set(['xdp', 'sched_cls', 'sched_act', 'socket_filter']);
const BPFTOOL_CTX_TYPES = new Set(['raw_tracepoint', 'syscall']);

function objectsUnder(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n));
    else if (p.endsWith('.o')) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

function hasBpftool(): boolean {
  return spawnSync('bpftool', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Error text without file names, instruction numbers, addresses and ids, so failures
 * with one cause group together. */
export function reasonClass(msg: string): string {
  return msg
    .replace(/^[^\s:]+\.o(:[^\s:]+)?: /, '')
    .replace(/^insn \d+: /, '')
    .replace(/0x[0-9a-f]{5,}/gi, '0x…')
    .replace(/\(prog id \d+\)/, '')
    .replace(/[^\s]+\.o\b/g, 'OBJ')
    .split('\n')[0]
    .slice(0, 150);
}

/** The kernel's verdicts on every program of `obj` via libbpf (bpftool), by function
 * name; undefined when bpftool cannot load the object. */
type ToolSide = KernelSide & { type: string; loadedOnly?: boolean };

function bpftoolVerdicts(obj: string, inputs: Map<string, Uint8Array | undefined>, scratch: string): { byName: Map<string, ToolSide> } | { error: string } {
  const pin = join('/sys/fs/bpf', `bpfexc-survey-${process.pid}`);
  // Pinned maps keep a user reference, as the loader's open map fds would: without one the
  // kernel empties a prog_array (filled from `.values`) once bpftool exits
  // (prog_array_map_clear), and tail calls would fall through.
  const pinMaps = `${pin}-maps`;
  rmSync(pin, { recursive: true, force: true });
  rmSync(pinMaps, { recursive: true, force: true });
  const load = spawnSync('bpftool', ['prog', 'loadall', obj, pin, 'pinmaps', pinMaps], { encoding: 'utf8' });
  try {
    if (load.status !== 0) {
      const lines = (load.stderr || '').split('\n').filter((l) => /libbpf: |Error:/.test(l));
      return { error: `bpftool loadall: ${lines.slice(-2).join(' | ').slice(0, 200)}` };
    }
    const byName = new Map<string, ToolSide>();
    for (const name of existsSync(pin) ? readdirSync(pin) : []) {
      const info = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show', 'pinned', join(pin, name)], { encoding: 'utf8' })) as { type: string };
      const args = ['-j', 'prog', 'run', 'pinned', join(pin, name)];
      const input = inputs.get(name);
      const inFile = join(scratch, 'in');
      const outFile = join(scratch, 'out');
      rmSync(outFile, { force: true });
      if (BPFTOOL_PACKET_TYPES.has(info.type)) {
        writeFileSync(inFile, input ?? new Uint8Array(64));
        args.push('data_in', inFile, 'data_out', outFile);
      } else if (BPFTOOL_CTX_TYPES.has(info.type)) {
        // bpftool always sets repeat, which raw_tp and syscall test runs refuse
        // (net/bpf/test_run.c): libbpf loaded it, the runner test-runs it.
        byName.set(name, { runs: false, why: 'loaded by libbpf; test run needs the runner', via: 'bpftool', type: info.type, loadedOnly: true });
        continue;
      } else {
        byName.set(name, { runs: false, why: `type ${info.type}: no test run here`, via: 'bpftool', type: info.type });
        continue;
      }
      const r = spawnSync('bpftool', args, { encoding: 'utf8' });
      if (r.status !== 0) {
        byName.set(name, { runs: false, why: `test run: ${(r.stderr || r.stdout).trim().split('\n').pop()}`, via: 'bpftool', type: info.type });
        continue;
      }
      const res = JSON.parse(r.stdout) as { retval: number };
      let packet: Uint8Array | undefined;
      try {
        packet = BPFTOOL_PACKET_TYPES.has(info.type) ? new Uint8Array(readFileSync(outFile)) : undefined;
      } catch {
        packet = undefined;
      }
      byName.set(name, { runs: true, r0: res.retval >>> 0, via: 'bpftool', type: info.type, ...(packet ? { packet } : {}) });
    }
    return { byName };
  } finally {
    rmSync(pin, { recursive: true, force: true });
    rmSync(pinMaps, { recursive: true, force: true });
  }
}

function strategiesRun(p: Program, ctx: Uint8Array | undefined, o: { strategies: string[]; cpuModels: string[]; invocations: number }): Row['strategies'] {
  try {
    run({ program: p, ctx, helperSet: 'linux', workloadName: p.source, strategies: o.strategies, cpuModels: o.cpuModels, cpus: 1, invocations: o.invocations, seed: 1, throwRate: 0, sites: 'auto', model: 'ooo' });
    return { ok: true };
  } catch (e) {
    if (e instanceof BpfError) return { ok: false, why: e.message };
    return { ok: false, why: `bug: ${(e as Error).message}` };
  }
}

/** bpfexc's own run: r0 (low 32 bits, as the kernel reports it) and, for packet
 * programs, the packet it leaves. */
function executorRun(p: Program, ctx: Uint8Array | undefined): { r0: number; packet?: Uint8Array } | { error: string } {
  try {
    const r = instantiate(loadProgram(p, { helpers: defaultHelpers })).run({ ctx });
    return { r0: Number(BigInt.asUintN(32, r.r0)), ...(p.type === 'xdp' || p.type === 'tc' || p.type === 'socket' ? { packet: r.ctx } : {}) };
  } catch (e) {
    if (e instanceof BpfError) return { error: e.message };
    return { error: `bug: ${(e as Error).message}` };
  }
}

function fromReferee(v: RefereeVerdict): KernelSide {
  if (v.kernelR0 !== undefined) return { runs: true, r0: v.kernelR0, via: 'bpfexc-bytes' };
  return { runs: false, why: v.reason ?? v.line, via: 'bpfexc-bytes' };
}

async function surveyObject(obj: string, k: KernelHandle | undefined, bpftool: boolean, o: { strategies: string[]; cpuModels: string[]; invocations: number }, scratch: string): Promise<Row[]> {
  const shown = relative(process.cwd(), obj);
  let programs: { program: Program; ctx?: Uint8Array }[];
  try {
    programs = programsWithInputs(obj);
  } catch (e) {
    if (!(e instanceof BpfError)) throw e;
    // bpfexc cannot open the object: the kernel may still run its programs.
    const rows: Row[] = [];
    const kv = bpftool ? bpftoolVerdicts(obj, new Map(), scratch) : { error: 'bpftool not installed' };
    if ('byName' in kv) {
      for (const [name, side] of kv.byName) rows.push({ object: shown, program: name, type: side.type, kernel: side, bpfexc: { error: e.message } });
    } else {
      rows.push({ object: shown, program: '(object)', type: '?', kernel: { runs: false, why: kv.error, via: 'bpftool' }, bpfexc: { error: e.message } });
    }
    return rows;
  }
  const inputs = new Map(programs.map((p) => [p.program.name, p.ctx]));
  const kv = bpftool ? bpftoolVerdicts(obj, inputs, scratch) : undefined;
  const rows: Row[] = [];
  for (const { program, ctx } of programs) {
    const label = program.source.slice(obj.length + 1);
    const verdict = k ? await refereeProgram(k, program, { ctx, object: elfOf(obj) }) : undefined;
    const tool = kv && 'byName' in kv ? kv.byName.get(program.name) : undefined;
    const viaTool = tool?.loadedOnly ? undefined : tool;
    const kernel: KernelSide = viaTool ?? (verdict ? fromReferee(verdict) : { runs: false, why: 'no kernel', via: 'bpfexc-bytes' });
    const ours = executorRun(program, ctx);
    const bpfexc = 'r0' in ours ? { r0: ours.r0 } : ours;
    const row: Row = { object: shown, program: label, type: program.type, kernel, bpfexc };
    if (kernel.runs && 'r0' in ours) {
      const diffs: string[] = [];
      if (kernel.r0 !== ours.r0) diffs.push(`r0 kernel ${kernel.r0} vs bpfexc ${ours.r0}`);
      if (kernel.via === 'bpftool' && kernel.packet && ours.packet && kernelTypeOf(program) && Buffer.compare(comparedPacketBytes(kernelTypeOf(program)!, kernel.packet), comparedPacketBytes(kernelTypeOf(program)!, ours.packet)) !== 0) diffs.push(`packet differs (kernel ${kernel.packet.length} bytes, bpfexc ${ours.packet.length})`);
      if (kernel.via === 'bpfexc-bytes' && verdict?.outcome === 'disagrees') diffs.push(...(verdict.differences ?? []).filter((d) => !d.startsWith('r0')));
      row.same = diffs.length === 0;
      if (!row.same) row.sameWhy = diffs.join('; ');
    }
    if ('r0' in bpfexc) row.strategies = strategiesRun(program, ctx, o);
    rows.push(row);
  }
  return rows;
}

const cut = (s: string, n: number): string => (s.length <= n ? s.padEnd(n) : s.slice(0, n - 1) + '…');

function table(rows: Row[]): string {
  const head = `${cut('program', 36)} ${cut('type', 9)} ${cut('kernel', 11)} ${cut('bpfexc', 11)} ${cut('same', 4)} ${cut('strat', 5)}`;
  const lines = [head, '-'.repeat(80)];
  for (const r of rows) {
    const kernel = r.kernel.runs ? `r0 ${r.kernel.r0}` : /REJECT|EACCES|EINVAL|verif/i.test(r.kernel.why) ? 'rejected' : 'n/a';
    const bpfexc = 'r0' in r.bpfexc ? `r0 ${r.bpfexc.r0}` : 'fails';
    const same = r.same === undefined ? '' : r.same ? 'yes' : 'NO';
    const strat = r.strategies === undefined ? '' : r.strategies.ok ? '6/6' : 'fail';
    lines.push(`${cut(`${basename(r.object)}:${r.program}`, 36)} ${cut(r.type, 9)} ${cut(kernel, 11)} ${cut(bpfexc, 11)} ${cut(same, 4)} ${cut(strat, 5)}`);
  }
  return lines.join('\n');
}

function grouped(title: string, reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [`${title} (${reasons.length}):`, ...sorted.map(([r, n]) => `  ${String(n).padStart(4)}  ${r}`)].join('\n');
}

export function summary(rows: Row[]): string {
  const kernelRuns = rows.filter((r) => r.kernel.runs);
  const bpfexcRuns = rows.filter((r) => 'r0' in r.bpfexc);
  const bothSame = kernelRuns.filter((r) => r.same === true);
  const kernelRunsStrat = bothSame.filter((r) => r.strategies?.ok);
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
  const lines = [
    `programs                                   ${rows.length}`,
    `kernel test-runs                           ${kernelRuns.length} (${kernelRuns.filter((r) => r.kernel.via === 'bpftool').length} via bpftool/libbpf, the rest via bpfexc's linked bytes)`,
    `bpfexc runs                                ${bpfexcRuns.length} (${pct(bpfexcRuns.length, rows.length)} of all)`,
    `of kernel-runnable: bpfexc runs            ${kernelRuns.filter((r) => 'r0' in r.bpfexc).length} (${pct(kernelRuns.filter((r) => 'r0' in r.bpfexc).length, kernelRuns.length)})`,
    `of kernel-runnable: same r0 and packet     ${bothSame.length} (${pct(bothSame.length, kernelRuns.length)}; ${bothSame.filter((r) => r.kernel.via === 'bpftool').length} against libbpf's load, ${bothSame.filter((r) => r.kernel.via !== 'bpftool').length} against bpfexc's bytes, which share bpfexc's linking)`,
    `  ... and all strategies, no missing cost  ${kernelRunsStrat.length} (${pct(kernelRunsStrat.length, kernelRuns.length)})`,
    `bpfexc runs, all strategies               ${bpfexcRuns.filter((r) => r.strategies?.ok).length} of ${bpfexcRuns.length}`,
  ];
  const sections = [
    lines.join('\n'),
    grouped('kernel-runnable, bpfexc fails', kernelRuns.filter((r) => 'error' in r.bpfexc).map((r) => reasonClass((r.bpfexc as { error: string }).error))),
    grouped('kernel-runnable, r0/packet differ', kernelRuns.filter((r) => r.same === false).map((r) => `${basename(r.object)}:${r.program}: ${r.sameWhy ?? '?'}`)),
    grouped('bpfexc runs, a strategy fails', bpfexcRuns.filter((r) => r.strategies && !r.strategies.ok).map((r) => reasonClass((r.strategies as { why: string }).why))),
    grouped('kernel cannot test-run', rows.filter((r) => !r.kernel.runs).map((r) => reasonClass((r.kernel as { why: string }).why))),
    grouped('bpfexc fails (all programs)', rows.filter((r) => 'error' in r.bpfexc).map((r) => reasonClass((r.bpfexc as { error: string }).error))),
  ];
  return sections.join('\n\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'string' }, invocations: { type: 'string' }, 'cpu-model': { type: 'string' }, strategy: { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write('usage: npm run survey:real -- DIR_OR_OBJ... [--json FILE] [--invocations N] [--cpu-model LIST] [--strategy LIST]\n');
    return 1;
  }
  const o = { strategies: parseStrategyList(values.strategy ?? 'all'), cpuModels: parseCpuModelList(values['cpu-model'] ?? 'all'), invocations: Number(values.invocations ?? 2) };
  const objects = objectsUnder(positionals);
  const opened = await openKernel();
  const k = opened.available ? opened : undefined;
  if (!k) process.stderr.write(`kernel unavailable: ${opened.available ? '' : opened.reason}\n`);
  const bpftool = hasBpftool();
  if (!bpftool) process.stderr.write('bpftool not installed: the kernel side loads bpfexc\'s linked bytes only\n');
  const scratch = mkdtempSync(join(tmpdir(), 'bpfexc-survey-'));
  const rows: Row[] = [];
  try {
    for (const obj of objects) {
      process.stderr.write(`${relative(process.cwd(), obj)}\n`);
      try {
        rows.push(...(await surveyObject(obj, k, bpftool, o, scratch)));
      } catch (e) {
        // A crash is a finding too: recorded as the object's row, the survey goes on.
        rows.push({ object: relative(process.cwd(), obj), program: '(object)', type: '?', kernel: { runs: false, why: 'not surveyed', via: 'bpftool' }, bpfexc: { error: `bug: ${(e as Error).message}` } });
      }
    }
  } finally {
    await k?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`${table(rows)}\n\n${summary(rows)}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? v.length : v), 2) + '\n');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}

/** The object's ELF for the referee's func_info, or none where it does not parse. */
function elfOf(obj: string): ElfFile | undefined {
  try {
    return readElf64(readFileSync(obj), obj);
  } catch (e) {
    if (e instanceof BpfError) return undefined;
    throw e;
  }
}
