// The shape of a helper's kernel-side cost (engine/timing/helper-costs.ts has the table,
// map-helper-costs.ts the map helpers'); a leaf both import.

import type { Figure } from '../cpus/cpu-model.ts';
import type { OperandForm } from '../isa/opcodes.ts';
import type { MachineOp } from './op-class.ts';

/** [mnemonic, form, dst, src, off, imm] — resolved against the opcode table by the model. */
export type BpfSeqInsn = readonly [string, OperandForm, number, number, number, number];

export interface HelperCost {
  name: string;
  /** The call's imm: enum bpf_func_id for helpers, engine/isa/internal-ids.ts otherwise. */
  id: number;
  kind: 'helper' | 'kfunc' | 'internal';
  inlineX86?: { bpf: BpfSeqInsn[]; source: string };
  /** build_insn() in the arm64 JIT emits it inline (lowerArm64 already does). */
  inlinedByArm64Jit?: boolean;
  body?: MachineOp[];
  perUnit?: { unit: string; ops: MachineOp[]; source: string };
  /**
   * The verifier's rewrite as the arm64 JIT receives it. do_misc_fixups() and
   * inline_bpf_loop() run before any JIT, so arch-independent rewrites are here too; the
   * x86-only ones (bpf_get_smp_processor_id through BPF_MOV64_PERCPU_REG) are not.
   */
  inlineArm64?: { bpf: BpfSeqInsn[]; source: string };
  /** What runs behind `bl` on arm64 (arm64-helper-bodies.ts), ending in its `ret`. */
  bodyArm64?: MachineOp[];
  perUnitArm64?: { unit: string; ops: MachineOp[]; source: string };
  /** Cycles of work outside the op vocabulary, by CPU model id; null where unmeasured. */
  extraCycles?: Record<string, Figure | null>;
  /** For costs nobody has measured yet: what `bpfexc calibrate` must measure. */
  unmeasured?: string;
  source: string;
}
