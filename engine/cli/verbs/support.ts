import { BpfError } from '../../errors.ts';
import { oneOf, parseVerbArgs } from '../../inputs/options.ts';
import { formatSupportTables, SUPPORT_FORMATS } from '../../report/support-tables.ts';
import type { Verb } from './verb.ts';

export const supportVerb: Verb = {
  name: 'support',
  summary: 'what bpfexc supports: program types, map types, helpers, kfuncs, refusals',
  help: `usage: bpfexc support [--format markdown|text]

Prints the tables of supported program types, map types, helpers (and the CPU
models whose timing model prices each) and kfuncs, generated from the
registries the loader, executor and timing model use, and what is refused.
The README's support section is this output in markdown.`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('support', argv, { format: { type: 'string' } } as const);
    if (positionals.length) throw new BpfError('usage', 'support takes no arguments (see bpfexc support --help)');
    process.stdout.write(formatSupportTables(oneOf('format', values.format, SUPPORT_FORMATS, 'markdown')));
    return 0;
  },
};
