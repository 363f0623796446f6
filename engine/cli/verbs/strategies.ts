import { wrap } from '../../results/text-table.ts';
import { BpfError } from '../../errors.ts';
import { STRATEGIES } from '../../strategies/index.ts';
import { parseVerbArgs } from '../../inputs/options.ts';
import type { Verb } from './verb.ts';

const WIDTH = 80;

export const strategiesVerb: Verb = {
  name: 'strategies',
  summary: 'list the exception-check strategies and where each comes from',
  help: `usage: bpfexc strategies

Lists the strategies 'bpfexc run --strategy' accepts, in the order results
list them, with what each inserts and its source.`,
  async run(argv) {
    const { positionals } = parseVerbArgs('strategies', argv, {});
    if (positionals.length > 0) throw new BpfError('usage', 'strategies takes no arguments');
    const out: string[] = [];
    for (const s of STRATEGIES) {
      out.push(...wrap(s.title, WIDTH, `${s.name.padEnd(8)}`));
      out.push(...wrap(s.source, WIDTH, '        source: '));
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
