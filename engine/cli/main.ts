// bpfexc: parse the verb, hand the rest to it, and turn user errors into one line.
import { BpfError } from '../errors.ts';
import { runMain } from '../entry-point.ts';
import { VERBS } from './verbs/index.ts';

const USAGE = `usage: bpfexc <command> [options]

commands:
${VERBS.map((v) => `  ${v.name.padEnd(12)} ${v.summary}`).join('\n')}

'bpfexc <command> --help' shows a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 1;
  }
  const verb = VERBS.find((v) => v.name === name);
  if (!verb) throw new BpfError('usage', `unknown command '${name}' (see 'bpfexc --help')`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(verb.help + '\n');
    return 0;
  }
  return verb.run(rest);
}

runMain('bpfexc', () => main(process.argv.slice(2)));
