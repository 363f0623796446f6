import { CPU_MODELS, type CpuModel } from '../../cpus/index.ts';
import { closestCpuModel, type HostCpu } from '../../cpus/host-model.ts';
import type { Basis, Figure } from '../../cpus/cpu-model.ts';
import { BpfError } from '../../errors.ts';
import { readCpuIdentity } from '../../kernel/host-info.ts';
import { wrap } from '../../results/text-table.ts';
import { formatTable } from '../../results/text-table.ts';
import { parseVerbArgs } from '../../inputs/options.ts';
import type { Verb } from './verb.ts';

const WIDTH = 80;

/** Every Figure in a model description, wherever it is nested. */
function figures(o: unknown, out: Figure[] = []): Figure[] {
  if (o === null || typeof o !== 'object') return out;
  const r = o as Record<string, unknown>;
  if (typeof r.value === 'number' && typeof r.source === 'string' && typeof r.basis === 'string') {
    out.push(r as unknown as Figure);
    return out;
  }
  for (const v of Object.values(r)) figures(v, out);
  return out;
}

/** A source's short name: the text before its first ':' or ';' (where the detail starts). */
const shortSource = (s: string): string => s.split(/[:;]/)[0].trim();

function sourceSummary(m: CpuModel): string {
  const figs = figures(m);
  const count = (b: Basis) => figs.filter((f) => f.basis === b).length;
  const docs = [...new Set(figs.filter((f) => f.basis === 'document').map((f) => shortSource(f.source)))];
  const shown = docs.slice(0, 3).join('; ') + (docs.length > 3 ? `; ${docs.length - 3} more` : '');
  const mca = m.llvm ? `, ${count('llvm-mca')} from llvm-mca 14 -mcpu=${m.llvm.mcpu}` : '';
  const measured = count('measurement') > 0 ? `, ${count('measurement')} measured on a host` : '';
  return `${figs.length} figures: ${count('document')} from documents${mca}${measured}, ${count('assumption')} assumed (each says why). Documents: ${shown || 'none'}.`;
}

/** The listing, with the model closest to `host` marked (the same choice as calibrate's default). */
export function modelsText(host: HostCpu): string {
  const closest = closestCpuModel(host);
  const table = formatTable(
    [
      { header: 'model', align: 'left' }, { header: 'isa', align: 'left' }, { header: 'GHz' }, { header: 'issue' },
      { header: 'ROB' }, { header: 'L1d KiB/cyc' }, { header: 'L2 cyc' }, { header: 'mispred' }, { header: 'RAS' },
    ],
    CPU_MODELS.map((m) => [
      m.id + (m.id === closest.id ? '*' : ''), m.isa, m.frequencyGHz.value, m.issueWidth.value, m.robSize.value,
      `${m.l1d.sizeKiB.value}/${m.l1d.latency.value}`, m.l2.latency.value, m.branchMispredictPenalty.value, m.returnStackDepth.value,
    ]),
    WIDTH,
  );
  const out = [
    table,
    ...wrap(`* closest to this machine's CPU, ${host.label ?? 'not identified'}, and the default of 'bpfexc calibrate'. ${closest.reason}.`, WIDTH),
    ...wrap('issue: ops dispatched per cycle; mispred: branch mispredict penalty, cycles; RAS: return stack entries.', WIDTH),
    '',
  ];
  for (const m of CPU_MODELS) {
    out.push(`${m.id}: ${m.name}`);
    out.push(...wrap(sourceSummary(m), WIDTH, '  '));
  }
  return out.join('\n') + '\n';
}

export const modelsVerb: Verb = {
  name: 'models',
  summary: 'list the CPU models with their key figures and sources',
  help: `usage: bpfexc models

Lists the CPU models 'bpfexc run --cpu-model' accepts with their key figures
(clock, widths, caches, branch and return prediction) and where the figures
come from, and marks the one closest to this machine's CPU (from
/proc/cpuinfo). Every figure, with its full source, is in engine/cpus/<id>.ts.`,
  async run(argv) {
    const { positionals } = parseVerbArgs('models', argv, {});
    if (positionals.length > 0) throw new BpfError('usage', 'models takes no arguments');
    process.stdout.write(modelsText(await readCpuIdentity()));
    return 0;
  },
};
