// `__exception_cb(fn)`: a main program names its own exception callback with a BTF decl
// tag "exception_callback:<fn>" on its BTF_KIND_FUNC (the tag the kernel's
// tools/testing/selftests/bpf/bpf_experimental.h macro emits). libbpf
// (tools/lib/bpf/libbpf.c bpf_prog_assign_exc_cb, then bpf_object__relocate) finds the
// named subprogram and appends it to the program after everything the program calls; the
// verifier (kernel/bpf/verifier.c find_exception_callback_insn_off, btf_prepare_func_args)
// then checks the tag and the callback's signature. Both sets of checks are made here,
// with the verifier's words, before the program can run.

import { BpfError } from '../errors.ts';
import { BTF_KIND, btfType, parseBtf, skipModifiers, type Btf } from './btf.ts';
import type { ElfFile } from './elf64.ts';

const TAG_PREFIX = 'exception_callback:';
/** How a refusal the kernel would make reads: the kernel's own words follow. */
export const VERIFIER_REFUSES = 'refused as the kernel refuses it: ';

/** What a program's exception callback is, by function name. */
export interface ExceptionCallbackTag {
  name: string;
}

/** The object's BTF, or undefined when it has none (then no program can name a callback). */
export function objectBtf(elf: ElfFile): Btf | undefined {
  const sec = elf.sections.find((s) => s.name === '.BTF');
  return sec ? parseBtf(sec.data, elf.file) : undefined;
}

/** The callback `mainName` names, checked as the verifier checks it; undefined without a tag.
 * `isFunction(name)` says whether the object defines a function of that name, and
 * `isMainProgram(name)` whether that function is itself a program (libbpf refuses both). */
export function exceptionCallbackOf(
  btf: Btf | undefined,
  mainName: string,
  file: string,
  isFunction: (name: string) => boolean,
  isMainProgram: (name: string) => boolean,
  checks = true,
): ExceptionCallbackTag | undefined {
  if (!btf) return undefined;
  const fail = (what: string): never => {
    throw new BpfError('elf', `${VERIFIER_REFUSES}${what}`, { file });
  };
  const names: string[] = [];
  for (const t of btf.types) {
    if (t.kind !== BTF_KIND.DECL_TAG || t.componentIdx !== -1 || !t.name.startsWith(TAG_PREFIX)) continue;
    const target = btf.types[t.sizeOrType];
    if (target?.kind === BTF_KIND.FUNC && target.name === mainName) names.push(t.name.slice(TAG_PREFIX.length));
  }
  if (names.length === 0) return undefined;
  if (!checks) return isFunction(names[0]) && !isMainProgram(names[0]) ? { name: names[0] } : undefined;
  // kernel/bpf/verifier.c find_exception_callback_insn_off.
  if (names.length > 1) fail(`program ${mainName}: multiple exception callback tags for main subprog`);
  const name = names[0];
  if (!name) fail(`program ${mainName}: exception callback tag has an empty name`);
  // libbpf bpf_prog_assign_exc_cb: the callback must be a subprogram of the object.
  if (isMainProgram(name)) fail(`program ${mainName}: exception callback '${name}' must be a subprogram, not a program of its own (libbpf: "cannot be a main program")`);
  if (!isFunction(name)) fail(`program ${mainName}: exception callback '${name}' could not be found (libbpf: no subprogram of that name)`);
  checkSignature(btf, name, file, fail);
  return { name };
}

/** kernel/bpf/btf.c btf_prepare_func_args: the callback returns a scalar and takes one
 * integer argument (any width: an `int` argument is accepted). */
function checkSignature(btf: Btf, name: string, file: string, fail: (what: string) => never): void {
  const func = btf.types.find((t) => t.kind === BTF_KIND.FUNC && t.name === name);
  if (!func) fail(`exception callback ${name}() has no BTF type information (build with -g)`);
  const proto = btfType(btf, func.sizeOrType, file);
  if (proto.kind !== BTF_KIND.FUNC_PROTO) fail(`exception callback ${name}(): BTF type ${proto.id} is not a function prototype`);
  // Linux 6.18's words (the callback is checked as a global function; later kernels word
  // it "return value not void or scalar" / "exception cb cannot return void").
  const ret = proto.sizeOrType === 0 ? undefined : skipModifiers(btf, proto.sizeOrType, file);
  if (ret === undefined || (ret.kind !== BTF_KIND.INT && ret.kind !== BTF_KIND.ENUM && ret.kind !== BTF_KIND.ENUM64)) {
    fail(`Global function ${name}() doesn't return scalar. Only those are supported.`);
  }
  const params = proto.params ?? [];
  const argIsInteger = params.length === 1 && skipModifiers(btf, params[0].type, file).kind === BTF_KIND.INT;
  if (!argIsInteger) fail('exception cb only supports single integer argument');
}

/** Sizes of the struct and union types by BTF id: what bpf_obj_new_impl's local type id
 * (bpf_core_type_id_local) becomes once the verifier rewrites it (fixup_kfunc_call). */
export function structSizes(btf: Btf): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of btf.types) if (t.kind === BTF_KIND.STRUCT || t.kind === BTF_KIND.UNION) out.set(t.id, t.sizeOrType);
  return out;
}
