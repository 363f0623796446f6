// Calls a loader leaves in a program when a symbol could not be resolved, which the
// kernel's verifier accepts only where they are dead code (verifier.c: the CO-RE poison
// `call 0xbad2310` fails check_helper_call as "invalid func unknown#195896080", an
// unresolved weak kfunc `call kfunc 0` fails fixup_kfunc_call as "invalid kernel function
// call not eliminated in verifier pass"). The executor has no dead-code pass, so it
// accepts them at load and faults when one is reached, naming what the kernel would.
// They are not helpers: the timing model gives them no cost (a reached one ends the run).

import { CORE_POISON_IMM } from '../../elf/core-relocation.ts';
import { registry, type HelperRegistry } from './registry.ts';

/** The imm of a call to an unresolved weak kfunc (libbpf bpf_object__relocate_calls). */
export const UNRESOLVED_KFUNC_IMM = 0;

export const unresolvedHelperCalls: HelperRegistry = registry([
  {
    id: CORE_POISON_IMM,
    name: 'CO-RE poison',
    fn: (env) => env.fault(`CO-RE relocation failed: this instruction was poisoned (call 0x${CORE_POISON_IMM.toString(16)}) because its field, type or enumerator is missing from the target BTF; the kernel's verifier rejects the program when it can reach it (invalid func unknown#${CORE_POISON_IMM})`),
  },
]);

export const unresolvedKfuncCalls: HelperRegistry = registry([
  {
    id: UNRESOLVED_KFUNC_IMM,
    name: 'unresolved weak kfunc',
    fn: (env) => env.fault('call to an unresolved weak kfunc (imm 0): guard it with bpf_ksym_exists(); the kernel\'s verifier rejects the program when it can reach it (invalid kernel function call not eliminated in verifier pass)'),
  },
]);

/** Whether a call is one of these placeholders rather than a helper or kfunc. */
export function isUnresolvedCall(form: 'helper' | 'kfunc', imm: number): boolean {
  return (form === 'helper' ? unresolvedHelperCalls : unresolvedKfuncCalls).has(imm);
}
