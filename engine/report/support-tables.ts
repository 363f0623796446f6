// What bpfexc supports, as tables generated from the registries that decide it, so the
// README cannot drift from the code: program types (the section names libbpf gives them,
// engine/elf/section-types.ts), map types (engine/program.ts MapType with their
// BPF_MAP_TYPE ids, engine/kernel/uapi.ts), helpers (the executor's registry,
// engine/exec/helpers/linux.ts) with the CPU models whose timing model prices them
// (engine/timing/helper-costs.ts), kfuncs (engine/isa/internal-ids.ts KFUNC_ID), and the
// rules by which everything else is refused.
import { CPU_MODELS } from '../cpus/index.ts';
import type { CpuModel } from '../cpus/cpu-model.ts';
import { SECTION_DEFS } from '../elf/section-types.ts';
import { contextKind, contextStructName } from '../program-context.ts';
import { defaultHelpers, defaultKfuncs } from '../exec/index.ts';
import { INTERNAL_HELPER, KFUNC_ID } from '../isa/internal-ids.ts';
import { MAP_TYPE, PROG_TYPE } from '../kernel/uapi.ts';
import type { MapType, ProgramType } from '../program.ts';
import type { HelperCost } from '../timing/helper-cost-types.ts';
import { HELPER_COSTS } from '../timing/helper-costs.ts';
import { VARIANTS_FOR_MAP_TYPE } from '../timing/helper-bodies.ts';

export const SUPPORT_FORMATS = ['markdown', 'text'] as const;
export type SupportFormat = (typeof SUPPORT_FORMATS)[number];

interface Table {
  title: string;
  head: string[];
  rows: string[][];
  /** A sentence under the table. */
  note?: string;
}

/** Whether the timing model can price `cost` on `cpu`: x86-64 models need the verifier's
 * x86 rewrite or an x86 body; arm64 models the arm64 rewrite, an inline JIT sequence or
 * an arm64 body (engine/timing/helper-bodies.ts picks among the same fields). */
function pricedOn(cost: HelperCost, cpu: CpuModel): boolean {
  if (cpu.isa === 'arm64') return !!(cost.inlineArm64 || cost.bodyArm64 || cost.inlinedByArm64Jit);
  return !!(cost.inlineX86 || cost.body);
}

const variantOf = (c: HelperCost): string | undefined => /\((\w+)\)$/.exec(c.name)?.[1];

/** CPU models as a cell: "all 6" or the ids. */
function modelsCell(ok: (cpu: CpuModel) => boolean): string {
  const ids = CPU_MODELS.filter(ok).map((c) => c.id);
  if (ids.length === CPU_MODELS.length) return `all ${ids.length}`;
  return ids.length ? ids.join(', ') : 'none (runs, cannot be timed)';
}

function programTypes(): Table {
  const byType = new Map<ProgramType, string[]>();
  for (const [prefix, type] of SECTION_DEFS) byType.set(type, [...(byType.get(type) ?? []), prefix]);
  const rows = [...byType].map(([type, prefixes]) => {
    const k = contextKind(type);
    const ctx = k.kind === 'unrunnable' ? 'none: refused (see below)' : k.kind === 'bytes' && k.size ? `${contextStructName(type)}, ${k.size} zeroed bytes` : contextStructName(type);
    return [type, prefixes.map((p) => `\`${p}\``).join(' '), ctx, type in PROG_TYPE ? 'yes' : 'no'];
  });
  return {
    title: 'Program types',
    head: ['type', 'ELF sections (libbpf names)', 'r1 points at', '`--referee kernel`'],
    rows,
    note: 'A trailing `+` takes a `/target` (`kprobe/do_unlinkat`, `raw_tp/sys_enter`); a `?` prefix (libbpf\'s no-autoload) is accepted on every section; `--type TYPE` forces a type. `struct xdp_md` and `struct __sk_buff` fields are converted as the verifier does (data, data_end, data_meta become packet pointers). `--referee kernel` needs a type BPF_PROG_TEST_RUN can drive here.',
  };
}

function mapTypes(): Table {
  const mapHelperIds = [...new Set(HELPER_COSTS.filter((c) => variantOf(c) !== undefined).map((c) => c.id))];
  const rows = (Object.keys(MAP_TYPE) as MapType[]).map((type) => {
    const variants = VARIANTS_FOR_MAP_TYPE[type] ?? [];
    const priced = mapHelperIds
      .filter((id) => {
        const entries = HELPER_COSTS.filter((c) => c.id === id && c.kind === 'helper');
        const match = variants.map((v) => entries.find((e) => variantOf(e) === v)).find((e) => e !== undefined);
        return match !== undefined && CPU_MODELS.every((cpu) => pricedOn(match, cpu));
      })
      .map((id) => defaultHelpers.get(id)?.name ?? `helper ${id}`);
    return [type, String(MAP_TYPE[type]), priced.length ? priced.join(', ') : '—'];
  });
  return {
    title: 'Map types',
    head: ['map type', 'BPF_MAP_TYPE id', 'lookup/update/delete priced on every CPU model'],
    rows,
  };
}

function helpers(): Table {
  const internal = new Set<number>(Object.values(INTERNAL_HELPER));
  const rows = [...defaultHelpers.values()]
    .sort((a, b) => a.id - b.id)
    .map((h) => {
      const kind = internal.has(h.id) ? 'internal' : 'helper';
      const entries = HELPER_COSTS.filter((c) => c.id === h.id && c.kind === kind);
      const id = internal.has(h.id) ? 'internal' : String(h.id);
      if (entries.length === 0) return [h.name, id, 'none (runs, cannot be timed)'];
      const cells = entries.map((e) => {
        const v = variantOf(e);
        return `${v ? `${v}: ` : ''}${modelsCell((cpu) => pricedOn(e, cpu))}`;
      });
      return [h.name, id, cells.join('; ')];
    });
  return {
    title: 'Helpers',
    head: ['helper', 'id', 'priced on CPU models'],
    rows,
    note: `CPU models: ${CPU_MODELS.map((c) => c.id).join(', ')}. "internal" helpers are the kernel functions the strategies' rewrites call (the RFC's), not callable from C.`,
  };
}

function kfuncs(): Table {
  const rows = Object.entries(KFUNC_ID).map(([name, id]) => {
    const runs = defaultKfuncs.has(id) ? 'yes' : 'no';
    const entries = HELPER_COSTS.filter((c) => c.id === id && c.kind === 'kfunc');
    const priced = entries.length ? modelsCell((cpu) => entries.some((e) => pricedOn(e, cpu))) : 'none (runs, cannot be timed)';
    return [name, runs, priced];
  });
  return { title: 'kfuncs', head: ['kfunc', 'executor', 'priced on CPU models'], rows };
}

function refused(): Table {
  return {
    title: 'Refused, and why',
    head: ['what', 'refused with'],
    rows: [
      ['a section that is not a program type above', 'the section and function named: libbpf would not know its type either'],
      ['any other map type', '`map NAME: map type N is not supported`, listing the supported ids'],
      ['any other helper', '`call to unknown helper id N` at the instruction'],
      ['any other kfunc', '`call to unknown kfunc NAME` at the instruction'],
      ['a helper or kfunc the timing model cannot price on a CPU model', 'strategy runs on that model stop with `the timing model has no cost for ...`; plain runs work'],
      ['a program the kernel verifier rejects', 'bpfexc runs what it is given; `--referee kernel` says the kernel REJECTS it, with the verifier\'s reason'],
      ['`bpf_tail_call` inside a callback (`bpf_loop` & co)', 'the verifier\'s `cannot tail call within callback` at the instruction'],
      ['a prog_array `.values` naming a program of a `?` section that is not the one run', 'libbpf\'s failure: the slot cannot be initialised with a program it does not load'],
      ['a tail call into another program on the multi-CPU machine (`--cpus N`)', '`the multi-CPU machine does not follow tail calls into other programs`; one CPU follows them'],
    ],
  };
}

export function supportTables(): Table[] {
  return [programTypes(), mapTypes(), helpers(), kfuncs(), refused()];
}

function markdown(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`#### ${t.title}`, '', `| ${t.head.map(esc).join(' | ')} |`, `| ${t.head.map(() => '---').join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`)];
  if (t.note) lines.push('', t.note);
  return lines.join('\n');
}

/** Plain text at most 80 columns: each row as `first-cell  rest`, the rest wrapped under
 * its own indent (a table of sections and helper lists cannot keep columns in 80). */
function text(t: Table): string {
  const plain = (x: string) => x.replace(/`/g, '');
  const first = Math.min(24, Math.max(...t.rows.map((r) => plain(r[0]).length)));
  const indent = ' '.repeat(first + 2);
  const out = [t.title, '='.repeat(t.title.length)];
  wrap(t.head.slice(1).map(plain).join('  '), 80 - indent.length).forEach((l, i) => out.push((i === 0 ? plain(t.head[0]).padEnd(first) + '  ' : indent) + l));
  for (const r of t.rows) {
    const head = plain(r[0]);
    const rest = r.slice(1).map(plain).join('  ');
    const lead = head.length > first ? [head, ...wrap(rest, 80 - indent.length).map((l) => indent + l)] : wrap(rest, 80 - indent.length).map((l, i) => (i === 0 ? head.padEnd(first) + '  ' : indent) + l);
    out.push(...lead);
  }
  if (t.note) out.push(...wrap(plain(t.note), 80));
  return out.join('\n');
}

function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of line.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  out.push(cur);
  return out;
}

/** The support tables as markdown (the README's section) or plain text. */
export function formatSupportTables(format: SupportFormat = 'markdown'): string {
  return supportTables().map(format === 'markdown' ? markdown : text).join('\n\n') + '\n';
}
