// Every failure a user can cause (bad file, bad bytecode, a fault at run time) is a
// BpfError: the CLI prints its message as one line and exits 1. Anything else escaping
// to the CLI is a bug in the suite and keeps its stack trace.

type BpfErrorKind =
  | 'parse' // assembler / .data / config syntax
  | 'elf' // malformed or unsupported object file
  | 'load' // load-time validation of bytecode
  | 'runtime' // fault while executing (bounds, budget, bad helper argument)
  | 'usage'; // CLI arguments

interface BpfErrorWhere {
  file?: string;
  /** Instruction slot index (what the kernel verifier calls insn idx). */
  pc?: number;
  /** 1-based source line, for text inputs. */
  line?: number;
}

export class BpfError extends Error {
  readonly kind: BpfErrorKind;
  readonly where: BpfErrorWhere;
  readonly detail: string;

  constructor(kind: BpfErrorKind, detail: string, where: BpfErrorWhere = {}) {
    super(formatWhere(where) + detail);
    this.name = 'BpfError';
    this.kind = kind;
    this.where = where;
    this.detail = detail;
  }

  /** The same error with the file named, for layers that learn the file late. */
  inFile(file: string): BpfError {
    if (this.where.file) return this;
    return new BpfError(this.kind, this.detail, { ...this.where, file });
  }
}

function formatWhere(w: BpfErrorWhere): string {
  const parts: string[] = [];
  if (w.file) parts.push(w.file + (w.line !== undefined ? `:${w.line}` : ''));
  else if (w.line !== undefined) parts.push(`line ${w.line}`);
  if (w.pc !== undefined) parts.push(`insn ${w.pc}`);
  return parts.length ? parts.join(': ') + ': ' : '';
}
