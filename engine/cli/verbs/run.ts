import { conformanceHelpers, defaultHelpers, instantiate, loadProgram, DEFAULT_MAX_INSNS } from '../../exec/index.ts';
import { hexBytesOption, intOption, parseVerbArgs } from '../args.ts';
import { readProgramInput } from '../program-input.ts';
import { BpfError } from '../../errors.ts';
import type { Verb } from './verb.ts';

const hex64 = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16);

export const runVerb: Verb = {
  name: 'run',
  summary: 'run a program and print r0 and the instructions executed',
  help: `usage: bpfexc run <program> [options]

<program> is an assembly file (.s/.asm), a bpf_conformance .data file, or an
ELF object from clang -target bpf (.o).

options:
  --section NAME     the program in an .o with several (default: the first)
  --mem HEX          context bytes r1 points at (r2 = their length); a .data
                     file's '-- mem' is the default
  --packet HEX       the same, for packet programs (xdp, tc); default: a
                     64-byte Ethernet/IPv4/UDP frame
  --max-insns N      instruction budget (default ${DEFAULT_MAX_INSNS})
  --invocations N    run N times on one instance (maps persist); default 1
  --seed N           seed of bpf_get_prandom_u32 (default 1)`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('run', argv, {
      section: { type: 'string' },
      mem: { type: 'string' },
      packet: { type: 'string' },
      'max-insns': { type: 'string' },
      invocations: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length !== 1) throw new BpfError('usage', 'run takes exactly one <program> (see bpfexc run --help)');
    const ctxHex = values.mem ?? values.packet;
    const input = readProgramInput(positionals[0], {
      section: values.section,
      ctx: ctxHex === undefined ? undefined : hexBytesOption(values.mem !== undefined ? 'mem' : 'packet', ctxHex),
    });
    const helpers = input.helperSet === 'conformance' ? conformanceHelpers : defaultHelpers;
    const loaded = loadProgram(input.program, { helpers });
    const instance = instantiate(loaded, { seed: intOption('seed', values.seed, 1) });
    const maxInsns = intOption('max-insns', values['max-insns'], DEFAULT_MAX_INSNS, 1);
    const invocations = intOption('invocations', values.invocations, 1, 1);
    let executed = 0;
    let first: ReturnType<typeof instance.run> | undefined;
    for (let i = 0; i < invocations; i++) {
      const res = instance.run({ ctx: input.ctx, maxInsns });
      first ??= res;
      executed += res.insnsExecuted;
    }
    const res = first!;
    const lines = [
      `program       ${input.program.source} (${input.program.name}, ${input.program.insns.length / 8} slots)`,
      `r0            ${hex64(res.r0)} (${BigInt.asIntN(64, res.r0)})`,
      `insns         ${res.insnsExecuted} executed` + (invocations > 1 ? ` (first run; ${executed} in ${invocations} runs)` : ''),
    ];
    if (res.thrown) lines.push(`thrown        cookie ${hex64(res.thrown.cookie)}, ${res.thrown.frames} frame(s) unwound`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
