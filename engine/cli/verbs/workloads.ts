import { wrap } from '../../results/text-table.ts';
import { formatTable } from '../../results/text-table.ts';
import { BpfError } from '../../errors.ts';
import { parseVerbArgs } from '../../inputs/options.ts';
import { loadCatalog } from '../workload-catalog.ts';
import type { Verb } from './verb.ts';

const WIDTH = 80;

export const workloadsVerb: Verb = {
  name: 'workloads',
  summary: "list the built-in workloads 'bpfexc run <name>' accepts",
  help: `usage: bpfexc workloads

Lists the built-in workloads (benchmarks/workloads/catalog.json): section,
context, where the throw rate is set, and what each one stresses.`,
  async run(argv) {
    const { positionals } = parseVerbArgs('workloads', argv, {});
    if (positionals.length > 0) throw new BpfError('usage', 'workloads takes no arguments');
    const all = loadCatalog();
    const table = formatTable(
      [{ header: 'workload', align: 'left' }, { header: 'section', align: 'left' }, { header: 'ctx bytes' }, { header: 'throw-rate knob', align: 'left' }],
      all.map((w) => [w.name, w.section, w.context ? w.context.length : '-', w.throwKnob ? `${w.throwKnob.variable} (${w.throwKnob.map}+${w.throwKnob.offset})` : '-']),
      WIDTH,
    );
    const out = [table, ''];
    for (const w of all) {
      out.push(`${w.name} (${w.relativeFile})`);
      out.push(...wrap(w.description, WIDTH, '  '));
      out.push(...wrap(w.stresses, WIDTH, '  stresses: '));
      if (w.contextDescribes) out.push(...wrap(w.contextDescribes, WIDTH, '  context:  '));
      if (w.throwKnob) {
        out.push(...wrap(`u64 ${w.throwKnob.variable} at offset ${w.throwKnob.offset} of ${w.throwKnob.map} = floor(P * 2^32); --throw-rate P sets it`, WIDTH, '  throws:   '));
        if (w.throwKnob.cookie) out.push(...wrap(w.throwKnob.cookie, WIDTH, '  cookie:   '));
      }
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
