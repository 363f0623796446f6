import { disassemble } from '../../asm/disassembler.ts';
import { BpfError } from '../../errors.ts';
import { parseVerbArgs } from '../../inputs/options.ts';
import { readProgramInput } from '../../inputs/program-input.ts';
import type { Verb } from './verb.ts';

export const disasmVerb: Verb = {
  name: 'disasm',
  summary: "print a program in the assembler's syntax",
  help: `usage: bpfexc disasm <program> [--section NAME]

Prints the program (after ELF relocation, for .o files) as assembly that
'bpfexc run' and the assembler accept.`,
  async run(argv) {
    const { values, positionals } = parseVerbArgs('disasm', argv, { section: { type: 'string' } });
    if (positionals.length !== 1) throw new BpfError('usage', 'disasm takes exactly one <program>');
    const { program } = readProgramInput(positionals[0], { section: values.section });
    process.stdout.write(disassemble(program.insns, { symbols: program.symbols, file: program.source }));
    return 0;
  },
};
