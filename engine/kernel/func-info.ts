// The BTF a program with subprograms must carry. The verifier's check_btf_func_early() /
// check_btf_func() (kernel/bpf/verifier.c) want one bpf_func_info {insn_off, type_id} per
// subprogram, sorted, the first at 0, each naming a FUNC whose FUNC_PROTO returns an int;
// without them a BPF_PSEUDO_FUNC lddw (a callback for bpf_loop and friends) is refused
// with "missing btf func_info". Subprograms start where add_subprog_and_kfunc() says they
// do: at instruction 0, every `call local` target and every BPF_PSEUDO_FUNC lddw target.
// Every function is given static linkage and a parameterless `int f(void)` prototype:
// for static functions the verifier uses the prototype only as a hint (a mismatch with the
// registers of a call is not an error, btf_check_subprog_call()), so no argument types
// need guessing.
import { INSN_SIZE, PSEUDO } from '../isa/encoding.ts';
import { encodeBtf, type BtfTypeSpec } from './btf-encode.ts';

const OP_CALL = 0x85; // BPF_JMP | BPF_CALL
const OP_LDDW = 0x18; // BPF_LD | BPF_IMM | BPF_DW
/** sizeof(struct bpf_func_info). */
export const FUNC_INFO_REC_SIZE = 8;

export interface FuncInfo {
  btf: Uint8Array;
  /** bpf_func_info records, FUNC_INFO_REC_SIZE bytes each. */
  records: Uint8Array;
  count: number;
}

/** Instruction indices where functions start, ascending, 0 first. */
export function functionStarts(insns: Uint8Array): number[] {
  const dv = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  const n = insns.length / INSN_SIZE;
  const starts = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    const opcode = insns[i * INSN_SIZE];
    const src = insns[i * INSN_SIZE + 1] >> 4;
    const imm = dv.getInt32(i * INSN_SIZE + 4, true);
    if (opcode === OP_CALL && src === PSEUDO.CALL_LOCAL) starts.add(i + imm + 1);
    else if (opcode === OP_LDDW && src === PSEUDO.LDDW_FUNC) starts.add(i + imm + 1);
    if (opcode === OP_LDDW) i++; // the second slot of an lddw is not an instruction
  }
  return [...starts].filter((s) => s >= 0 && s < n).sort((a, b) => a - b);
}

/** The BTF and func_info for `insns`, or undefined when the program is one function
 * (then it loads without BTF, as it always has). */
export function funcInfoFor(insns: Uint8Array, exceptionCallback?: number): FuncInfo | undefined {
  const starts = functionStarts(insns);
  if (exceptionCallback !== undefined && !starts.includes(exceptionCallback)) starts.push(exceptionCallback);
  starts.sort((a, b) => a - b);
  if (starts.length < 2) return undefined;
  // id 1: int, id 2: int (void), ids 3..: one FUNC per function; then, for a program with
  // its own exception callback, `int (unsigned long long)` and the main program's tag
  // (kernel/bpf/verifier.c find_exception_callback_insn_off reads it; btf_prepare_func_args
  // wants the callback to take one integer).
  const cbProto = 3 + starts.length + 1;
  const types: BtfTypeSpec[] = [
    { kind: 'int', name: 'int', bytes: 4, signed: true },
    { kind: 'func_proto', returnType: 1, params: [] },
    ...starts.map((s, i): BtfTypeSpec => ({ kind: 'func', name: i === 0 ? 'prog' : `sub_${s}`, proto: s === exceptionCallback ? cbProto : 2, linkage: s === exceptionCallback ? 'global' : 'static' })),
  ];
  if (exceptionCallback !== undefined) {
    types.push(
      { kind: 'int', name: 'u64', bytes: 8, signed: false },
      { kind: 'func_proto', returnType: 1, params: [{ name: 'cookie', type: cbProto - 1 }] },
      { kind: 'decl_tag', value: `exception_callback:sub_${exceptionCallback}`, type: 3 },
    );
  }
  const records = new Uint8Array(starts.length * FUNC_INFO_REC_SIZE);
  const dv = new DataView(records.buffer);
  starts.forEach((s, i) => {
    dv.setUint32(i * FUNC_INFO_REC_SIZE, s, true);
    dv.setUint32(i * FUNC_INFO_REC_SIZE + 4, 3 + i, true);
  });
  return { btf: encodeBtf(types), records, count: starts.length };
}
