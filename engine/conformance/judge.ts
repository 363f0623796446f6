// How one bpf_conformance `.data` test is decided. The rules follow the upstream runner
// (bpf_conformance: lib/src/bpf_test_parser.cc and lib/src/bpf_conformance.cc, with the
// expectations its CTest suite, tools/tests.cmake, states for each file in negative/),
// except where noted as a deliberate difference.
//
//  1. A file the reader cannot parse (bad hex, a second `-- result`, ...) FAILS with the
//     reader's error.
//  2. SKIP when the file has an unknown `-- directive` (upstream: "Skipping: Unknown
//     directive", negative/invalid_unknown_directive), when it has neither `-- result`
//     nor `-- error` (upstream: "No result or error"; negative/empty), or when it holds
//     no instructions (upstream: "Test file has no BPF instructions";
//     negative/empty_instructions).
//  3. `-- raw` is the program when present (upstream ignores `-- asm` then). Difference:
//     when both are present the asm must assemble to exactly the raw slots, else FAIL —
//     it is a test of this suite's assembler.
//  4. An assembler error is the test's outcome: with `-- error` it PASSES when the
//     error matches (rule 6), otherwise it FAILS showing the assembler's message
//     (upstream aborts on it; negative/invalid_label, invalid_mnemonic, invalid_offset*,
//     invalid_imm32_*, invalid_operand_count expect a result they can never produce).
//  5. A BpfError while loading or running: PASS when `-- error` is present and matches,
//     else FAIL with the error. Any other exception is a bug in the suite and is
//     reported as an internal error (FAIL), not hidden.
//  6. Matching an expected error: upstream compares the plugin's output for equality,
//     and each plugin words its errors differently, so here the expected text must
//     occur in the error message, ignoring case and runs of white space. An empty
//     `-- error` section (negative/unused-*: "unused field must be zero") expects some
//     error, whatever its text. Upstream skips those files, since it sees neither a
//     result nor an error text; here they are run.
//  7. A normal return: FAIL when only `-- error` was expected (difference: upstream then
//     compares r0 with 0); otherwise compare all 64 bits of r0 with `-- result`, as
//     upstream has since "Compare all 64-bits of return values" (2023) — which is what
//     negative/incorrect_return_value_high_bits checks: its expectation is deliberately
//     wrong in the high bits, so it must FAIL.

import { assemble } from '../asm/assembler.ts';
import { type DataFile, dataFileStem } from '../asm/data-file.ts';
import { programFromAssembly } from '../asm/to-program.ts';
import { BpfError } from '../errors.ts';
import { hex } from '../hex.ts';
import { INSN_SIZE } from '../isa/encoding.ts';
import type { Program } from '../program.ts';

/** Runs a program on the given input memory and returns r0; throws BpfError on faults. */
export type ConformanceExecutor = (program: Program, mem: Uint8Array | undefined) => bigint;

export type Verdict = 'pass' | 'fail' | 'skip';

export interface Outcome {
  verdict: Verdict;
  /** Why it failed or was skipped; empty for a pass. */
  reason: string;
}

const pass: Outcome = { verdict: 'pass', reason: '' };
const fail = (reason: string): Outcome => ({ verdict: 'fail', reason });
const skip = (reason: string): Outcome => ({ verdict: 'skip', reason });

export function judge(data: DataFile, execute: ConformanceExecutor): Outcome {
  if (data.unknownDirectives.length > 0) {
    const d = data.unknownDirectives[0];
    return skip(`unknown directive '${d.text}' at line ${d.line}`);
  }
  if (!data.result && !data.error) return skip('no -- result or -- error section');
  const expected = data.error?.value;

  let program: Program;
  try {
    const assembled = data.asm ? assemble(data.asm.value, data.file, { firstLine: data.asm.line + 1 }) : undefined;
    const insns = data.raw?.value ?? assembled?.insns;
    if (!insns || insns.length === 0) return skip('no instructions');
    if (assembled && data.raw) {
      const slot = firstDifferentSlot(assembled.insns, data.raw.value);
      if (slot !== undefined) return fail(`-- asm and -- raw differ at instruction ${slot}`);
    }
    const name = dataFileStem(data.file);
    program = programFromAssembly({ insns, labels: assembled?.labels ?? new Map() }, { name, source: data.file });
  } catch (err) {
    if (!(err instanceof BpfError)) throw err;
    return errorOutcome(expected, `assembler error${lineOf(err)}: ${err.detail}`, err);
  }

  let r0: bigint;
  try {
    r0 = BigInt.asUintN(64, execute(program, data.mem?.value));
  } catch (err) {
    if (err instanceof BpfError) return errorOutcome(expected, `${err.kind} error${pcOf(err)}: ${err.detail}`, err);
    const e = err instanceof Error ? err : new Error(String(err));
    const frame = e.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim() ?? '';
    return fail(`internal error (a bug in bpfexc): ${e.message}${frame ? ` (${frame})` : ''}`);
  }

  if (!data.result) return fail(`expected error '${expected}', got result ${hex(r0)}`);
  if (r0 !== data.result.value) return fail(`expected ${hex(data.result.value)}, got ${hex(r0)}`);
  return pass;
}

/** Whether an error satisfies an expected `-- error` text (rule 6). */
function errorMatches(expected: string, err: BpfError): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  const want = norm(expected);
  return want === '' || norm(err.detail).includes(want);
}

function errorOutcome(expected: string | undefined, shown: string, err: BpfError): Outcome {
  if (expected === undefined) return fail(shown);
  if (errorMatches(expected, err)) return pass;
  return fail(`expected error '${expected}', got ${shown}`);
}

function firstDifferentSlot(a: Uint8Array, b: Uint8Array): number | undefined {
  const n = Math.max(a.length, b.length) / INSN_SIZE;
  for (let slot = 0; slot < n; slot++) {
    for (let i = slot * INSN_SIZE; i < (slot + 1) * INSN_SIZE; i++) if (a[i] !== b[i]) return slot;
  }
  return undefined;
}

function lineOf(err: BpfError): string {
  return err.where.line !== undefined ? ` at line ${err.where.line}` : '';
}

function pcOf(err: BpfError): string {
  return err.where.pc !== undefined ? ` at insn ${err.where.pc}` : '';
}
