// Extern symbols of a BPF object (undefined GLOBAL/WEAK ELF symbols), resolved as
// libbpf's bpf_object__collect_externs and bpf_object__resolve_externs do. Each names a
// VAR or FUNC in one of the object's BTF DATASECs:
//   ".kconfig": a value in the read-only ".kconfig" map (kconfig-externs.ts);
//   ".ksyms", VAR: a kernel variable, found by name (and checked for a compatible type)
//     in the target BTF when there is one; typeless ones (`extern const void x __ksym`)
//     in /proc/kallsyms. The simulation gives each its own read-only zeroed slot in the
//     kernel-data region (layout KSYM_*);
//   ".ksyms", FUNC: a kfunc, by name from the suite's kfunc registry
//     (isa/internal-ids.ts KFUNC_ID); a weak one also only where the target BTF has it
//     with a compatible prototype (what bpf_ksym_exists() tests). A strong kfunc the
//     suite simulates is simulated whatever the target says: the kernel load path
//     (kernel/kfunc-ids.ts) reports a kernel that lacks it.
// A weak extern nobody provides resolves to 0: its address reads 0 and a call to it
// stays `call kfunc 0`, which the kernel's verifier accepts only in dead code
// (verifier.c fixup_kfunc_call: "invalid kernel function call not eliminated").

import { existsSync, readFileSync } from 'node:fs';
import { BpfError } from '../errors.ts';
import { KFUNC_ID, kfuncIdByName } from '../isa/internal-ids.ts';
import { KSYM_AREA_ADDRESS, KSYM_AREA_SIZE, type KernelSymbolRef } from '../program.ts';
import { BTF_KIND, skipModifiers, btfSizeOf, type Btf } from './btf.ts';
import { typesAreCompatible } from './core-relocation.ts';
import { SHN_UNDEF, STB, STT, type ElfFile } from './elf64.ts';
import { kconfigExtern, kconfigValue, layoutKconfig, type KernelFacts, type KconfigExtern } from './kconfig-externs.ts';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, type ObjectMaps } from './object-maps.ts';
import type { TargetBtf } from './target-btf.ts';

export interface ResolvedExterns {
  /** kconfig externs by ELF symbol index: map index and offset of the value. */
  kconfig: Map<number, { mapIndex: number; offset: number }>;
  /** ksym variables and kfunc addresses by ELF symbol index (address 0n: unresolved weak). */
  ksymAddress: Map<number, bigint>;
  /** kfunc calls by ELF symbol index: the suite's kfunc id, or 0 for an unresolved weak kfunc. */
  kfuncId: Map<number, number>;
  /** Resolved ksyms, for loading the program into a kernel. */
  kernelSymbols: KernelSymbolRef[];
  notices: string[];
}

export interface ExternOptions {
  /** The target BTF, read only when an extern needs it (it can take a second). */
  target: () => TargetBtf | undefined;
  /** Kernel release, config and features (read only when a kconfig extern needs them). */
  facts: () => KernelFacts;
  /** Kernel symbol names (/proc/kallsyms), or undefined when unreadable. */
  kallsyms?: () => ReadonlySet<string> | undefined;
}

let kallsymsCache: ReadonlySet<string> | null | undefined;
/** Names in /proc/kallsyms (read once), undefined when it cannot be read. */
export function runningKallsyms(): ReadonlySet<string> | undefined {
  if (kallsymsCache === undefined) {
    try {
      const names = new Set<string>();
      for (const line of readFileSync('/proc/kallsyms', 'utf8').split('\n')) {
        const name = line.split(/\s+/)[2];
        if (name) names.add(name);
      }
      kallsymsCache = existsSync('/proc/kallsyms') && names.size > 0 ? names : null;
    } catch {
      kallsymsCache = null;
    }
  }
  return kallsymsCache ?? undefined;
}

/** The VAR or FUNC named `name` in any DATASEC, and that DATASEC (find_extern_btf_id). */
function findExternBtf(btf: Btf, name: string): { id: number; section: string; size: number } | undefined {
  for (const sec of btf.types) {
    if (sec.kind !== BTF_KIND.DATASEC) continue;
    for (const v of sec.vars ?? []) {
      const t = btf.types[v.type];
      if (t && (t.kind === BTF_KIND.VAR || t.kind === BTF_KIND.FUNC) && t.name === name) return { id: t.id, section: sec.name, size: v.size };
    }
  }
  return undefined;
}

export function resolveExterns(elf: ElfFile, btf: Btf | undefined, maps: ObjectMaps, opts: ExternOptions): ResolvedExterns {
  const file = elf.file;
  const fail = (what: string): never => {
    throw new BpfError('elf', what, { file });
  };
  const out: ResolvedExterns = { kconfig: new Map(), ksymAddress: new Map(), kfuncId: new Map(), kernelSymbols: [], notices: [] };
  const externs = elf.symbols.filter((s) => s.shndx === SHN_UNDEF && s.name !== '' && (s.bind === STB.GLOBAL || s.bind === STB.WEAK) && s.type !== STT.SECTION && s.type !== STT.FILE);
  // Without BTF an extern cannot be classified; the linker then knows kfunc calls by
  // name only and refuses extern variables.
  if (externs.length === 0 || !btf) return out;

  const kcfg: { sym: number; ext: KconfigExtern }[] = [];
  let ksymCursor = 0;
  const ksymSlot = (name: string, size: number): bigint => {
    const at = ksymCursor;
    ksymCursor += Math.ceil(Math.max(size, 1) / 8) * 8;
    if (ksymCursor > KSYM_AREA_SIZE) fail(`__ksym extern '${name}': the ${KSYM_AREA_SIZE}-byte simulated kernel-variable area is full`);
    return KSYM_AREA_ADDRESS + BigInt(at);
  };
  const noTarget: string[] = [];

  for (const sym of externs) {
    const weak = sym.bind === STB.WEAK;
    const found = findExternBtf(btf!, sym.name);
    if (!found) fail(`failed to find BTF for extern '${sym.name}'`);
    const { id, section, size } = found!;
    const t = btf!.types[id];
    if (section === '.kconfig') {
      if (t.kind === BTF_KIND.FUNC) fail(`extern function '${sym.name}' is in .kconfig (kconfig externs are variables)`);
      kcfg.push({ sym: sym.index, ext: kconfigExtern(btf!, sym.name, t.sizeOrType, weak, size || btfSizeOf(btf!, t.sizeOrType, file), file) });
    } else if (section === '.ksyms') {
      if (t.kind === BTF_KIND.FUNC) resolveKfunc(sym.index, sym.name, weak, btf!, t.sizeOrType, opts.target, out);
      else {
        const target = opts.target();
        const local = skipModifiers(btf!, t.sizeOrType, file);
        const typed = local.kind !== 0;
        let present = true;
        if (!typed) {
          const names = (opts.kallsyms ?? runningKallsyms)();
          if (names) present = names.has(sym.name);
          else noTarget.push(sym.name);
        } else if (target) {
          const kvar = target.btf.types.find((k) => k.kind === BTF_KIND.VAR && k.name === sym.name);
          if (!kvar) present = false;
          else if (!typesAreCompatible(btf!, local.id, target.btf, kvar.sizeOrType)) {
            const kt = skipModifiers(target.btf, kvar.sizeOrType, target.path);
            fail(`extern (var ksym) '${sym.name}': incompatible types, expected [${local.id}] kind ${local.kind} ${local.name || '(anon)'}, but kernel has [${kt.id}] kind ${kt.kind} ${kt.name || '(anon)'}`);
          }
        } else {
          noTarget.push(sym.name);
        }
        if (present && typed && target?.running) {
          // check_pseudo_btf_id also looks the address up with kallsyms_lookup_name, which
          // sees variables only with CONFIG_KALLSYMS_ALL.
          const names = (opts.kallsyms ?? runningKallsyms)();
          if (names && !names.has(sym.name)) out.notices.push(`__ksym '${sym.name}' is in the kernel's BTF but not in /proc/kallsyms: the kernel's verifier refuses it (ldimm64 failed to find the address for kernel symbol)`);
        }
        if (!present && !weak) fail(typed ? `extern (var ksym) '${sym.name}': not found in kernel BTF` : `extern '${sym.name}' (strong): not resolved (not in /proc/kallsyms)`);
        const address = present ? ksymSlot(sym.name, typed ? btfSizeOf(btf!, local.id, file) : 8) : 0n;
        out.ksymAddress.set(sym.index, address);
        if (present) out.kernelSymbols.push({ name: sym.name, kind: 'var', typed, address });
      }
    } else {
      fail(`extern '${sym.name}' is in unsupported section '${section}'`);
    }
  }
  // Kfuncs whose address the program takes (bpf_ksym_exists) share the variables' area.
  for (const [symIndex, kid] of out.kfuncId) {
    const name = elf.symbols[symIndex].name;
    const address = kid !== 0 ? ksymSlot(name, 8) : 0n;
    out.ksymAddress.set(symIndex, address);
    if (kid !== 0) out.kernelSymbols.push({ name, kind: 'func', typed: true, address });
  }
  if (noTarget.length) out.notices.push(`no kernel BTF or /proc/kallsyms to check __ksym externs against: ${noTarget.join(', ')} assumed present`);

  if (kcfg.length) {
    const exts = kcfg.map((k) => k.ext);
    const size = layoutKconfig(exts);
    const { data, notices } = kconfigValue(exts, size, opts.facts(), file);
    out.notices.push(...notices);
    const mapIndex = maps.maps.length;
    // libbpf's internal map for .kconfig: a one-entry array the program may not write.
    maps.maps.push({ name: '.kconfig', type: 'array', keySize: 4, valueSize: Math.max(size, 1), maxEntries: 1, flags: BPF_F_RDONLY_PROG | BPF_F_MMAPABLE, initialValue: size ? data : new Uint8Array(1), readonly: true });
    for (const k of kcfg) out.kconfig.set(k.sym, { mapIndex, offset: k.ext.offset });
  }
  return out;
}

/** bpf_object__resolve_ksym_func_btf_id, with the suite's registry as the other half. */
function resolveKfunc(symIndex: number, name: string, weak: boolean, btf: Btf, protoId: number, targetOf: () => TargetBtf | undefined, out: ResolvedExterns): void {
  const known = kfuncIdByName(name);
  if (!weak) {
    // Simulated when the suite knows it; otherwise the linker refuses its call site.
    if (known !== undefined) out.kfuncId.set(symIndex, known);
    return;
  }
  const target = targetOf();
  let inKernel = true;
  if (target) {
    const kfn = target.btf.types.find((k) => k.kind === BTF_KIND.FUNC && k.name === name);
    if (!kfn) inKernel = false;
    else if (!typesAreCompatible(btf, protoId, target.btf, kfn.sizeOrType)) {
      out.notices.push(`weak kfunc ${name}: its prototype [${protoId}] is incompatible with ${target.path} [${kfn.sizeOrType}], so it resolves to 0 (as libbpf does)`);
      inKernel = false;
    }
  }
  if (!inKernel) {
    out.kfuncId.set(symIndex, 0);
    return;
  }
  if (known === undefined) {
    out.notices.push(`weak kfunc ${name} is not one the simulation knows (known: ${Object.keys(KFUNC_ID).join(', ')}): it resolves to 0 here, so bpf_ksym_exists() is false and a call to it faults if reached`);
    out.kfuncId.set(symIndex, 0);
    return;
  }
  out.kfuncId.set(symIndex, known);
}
