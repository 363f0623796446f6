// BPF object loader: turns a `clang -target bpf -O2 -g` object into Programs, linking the
// way libbpf does (bpf_object__reloc_code): each program starts with its own function,
// every subprogram it reaches through a call or a callback pointer is appended once, in
// depth-first order of discovery, and pc-relative immediates are rewritten for the
// linked layout. Map and global-data references become PSEUDO.LDDW_MAP_IDX(_VALUE);
// extern kfunc calls become PSEUDO.CALL_KFUNC calls with the suite's kfunc ids. Before
// that, as bpf_object__relocate does, CO-RE relocations of .BTF.ext are applied to the
// code (core-relocation.ts) and extern symbols resolved (extern-symbols.ts): __kconfig
// variables become values of the read-only .kconfig map, __ksym variables addresses in
// the simulated kernel-data area.

import { BpfError } from '../errors.ts';
import { INSN_SIZE, PSEUDO } from '../isa/encoding.ts';
import { KFUNC_ID, kfuncIdByName } from '../isa/internal-ids.ts';
import type { MapDef, Program, ProgramType } from '../program.ts';
import { SHF, SHN_UNDEF, SHT, STT, readElf64, type ElfFile, type ElfRelocation, type ElfSection } from './elf64.ts';
import { exceptionCallbackOf, structSizes } from './exception-callback.ts';
import { checkExceptionRules } from './exception-rules.ts';
import { collectMaps, type ObjectMaps } from './object-maps.ts';
import { programKindForSection, sectionWithoutNoAutoload } from './section-types.ts';
import { parseBtf, type Btf } from './btf.ts';
import { parseBtfExt } from './btf-ext.ts';
import { relocateCoreSections } from './core-relocation.ts';
import { resolveExterns, type ResolvedExterns } from './extern-symbols.ts';
import { runningKernelFacts, type KernelFacts } from './kconfig-externs.ts';
import { resolveTargetBtf, type TargetBtf, type TargetBtfChoice } from './target-btf.ts';

/** Relocation types of the BPF ELF ABI (Documentation/bpf/llvm_reloc.rst). */
const R_BPF = { NONE: 0, R_64_64: 1, R_64_ABS64: 2, R_64_ABS32: 3, R_64_NODYLD32: 4, R_64_32: 10 } as const;

const OP_LDDW = 0x18;
const OP_CALL = 0x85;

/** A function: a FUNC symbol's byte range inside an executable section. */
interface Func {
  section: ElfSection;
  name: string;
  start: number;
  size: number;
}

interface BpfObject {
  programs: Program[];
  /** One line each: what the loader resolved differently from a kernel load (no kernel
   * BTF for CO-RE, kconfig defaults, ...). */
  notices: string[];
  /** Programs in sections libbpf would not know (and no type was forced): not linked. */
  unrecognised: UnrecognisedProgram[];
}

export interface UnrecognisedProgram {
  name: string;
  section: string;
  reason: string;
}

export interface ObjectLoadOptions {
  /** BTF that CO-RE relocations and typed __ksym externs resolve against (default
   * 'auto': /sys/kernel/btf/vmlinux when present). */
  btf?: TargetBtfChoice;
  /** Kernel release, config and features for __kconfig externs (default: the running
   * kernel's). */
  kernel?: KernelFacts;
  /** Kernel symbol names for typeless __ksym externs (default: /proc/kallsyms). */
  kallsyms?: () => ReadonlySet<string> | undefined;
  /** Every program of the object gets this type, whatever its section says (libbpf's
   * bpf_program__set_type, as loaders do for objects with custom section names). */
  forceType?: ProgramType;
  /** false: skip the refusals the kernel's verifier would make (exception-callback.ts,
   * exception-rules.ts), to hand the kernel a program it should refuse. Default true. */
  verifierChecks?: boolean;
  /** Link and check only the programs whose section (without libbpf's '?' prefix) or
   * function name this accepts, so one refused program does not stop another of the
   * same object from running. */
  select?: (section: string, name: string) => boolean;
  /** prog_array slots to fill besides the object's `.values` (what a loader does with
   * bpf_map_update_elem after loading, e.g. the selftests' jump tables). */
  tailCalls?: readonly TailCallSlot[];
}

/** A prog_array slot holding a program of the same object: `map[index] = program`. */
export interface TailCallSlot {
  map: string;
  index: number;
  /** The target's function name (or its section name where that names one program). */
  program: string;
}

export function loadBpfObject(bytes: Uint8Array, file: string, opts: ObjectLoadOptions = {}): BpfObject {
  const checks = opts.verifierChecks ?? true;
  const elf = readElf64(bytes, file);
  const maps = collectMaps(elf);
  const funcs = collectFuncs(elf);
  const notices: string[] = [];
  const btfSection = elf.sections.find((s) => s.name === '.BTF');
  const btf: Btf | undefined = btfSection ? parseBtf(btfSection.data, file) : undefined;
  const extSection = elf.sections.find((s) => s.name === '.BTF.ext');
  const ext = extSection && btf ? parseBtfExt(extSection.data, btf, file) : undefined;
  let patched = new Map<number, Uint8Array>();
  // vmlinux BTF takes about a second to parse: read only when something needs it.
  let target: TargetBtf | undefined | null = null;
  const targetOf = (): TargetBtf | undefined => (target === null ? (target = resolveTargetBtf(opts.btf)) : target);
  if (ext && btf && ext.coreRelos.size > 0) {
    const target = targetOf();
    const r = relocateCoreSections(elf.sections, btf, ext.coreRelos, target?.btf, file);
    patched = r.patched;
    if (!target) notices.push(`no kernel BTF (/sys/kernel/btf/vmlinux is absent; --btf FILE names one): ${r.count} CO-RE relocation(s) keep the offsets the compiler emitted from the object's own types`);
  }
  const externs = resolveExterns(elf, btf, maps, { target: targetOf, facts: () => opts.kernel ?? runningKernelFacts(), ...(opts.kallsyms ? { kallsyms: opts.kallsyms } : {}) });
  notices.push(...externs.notices);
  const entries = funcs.filter((f) => f.section.name !== '.text');
  const perSection = new Map<number, number>();
  for (const f of entries) perSection.set(f.section.index, (perSection.get(f.section.index) ?? 0) + 1);

  const localTypeSizes = btf && structSizes(btf);
  const programs: Program[] = [];
  const unrecognised: UnrecognisedProgram[] = [];
  const linkEntry = (entry: Func): Program | UnrecognisedProgram => {
    const section = sectionWithoutNoAutoload(entry.section.name);
    const kind = opts.forceType ? { type: opts.forceType, sleepable: programKindForSection(section)?.sleepable ?? opts.forceType === 'syscall' } : programKindForSection(section);
    if (!kind) {
      return {
        name: entry.name,
        section,
        reason: `section ${section} (function ${entry.name}) is not a known program section (e.g. xdp, tc, kprobe/..., tracepoint/..., fentry/..., raw_tp/..., syscall; --type TYPE forces one)`,
      };
    }
    const cbTag = exceptionCallbackOf(btf, entry.name, file, (n) => funcs.some((f) => f.name === n), (n) => entries.some((f) => f.name === n), checks);
    const cb = cbTag && funcs.find((f) => f.name === cbTag.name);
    const linked = new Linker(elf, funcs, maps, externs, patched).link(entry, cb);
    const unique = perSection.get(entry.section.index) === 1;
    const exceptionCallback = cb && [...linked.symbols].find(([, n]) => n === cb.name)?.[0];
    const program: Program = {
      ...(exceptionCallback !== undefined ? { exceptionCallback } : {}),
      ...(localTypeSizes?.size ? { localTypeSizes } : {}),
      name: entry.name,
      source: `${file}:${unique ? section : entry.name}`,
      insns: linked.insns,
      maps: copyMaps(maps.maps),
      type: kind.type,
      symbols: linked.symbols,
      sleepable: kind.sleepable,
      ...(externs.kernelSymbols.length ? { kernelSymbols: externs.kernelSymbols.map((k) => ({ ...k })) } : {}),
    };
    if (checks) checkExceptionRules(program, file);
    return program;
  };
  fillTailCallSlots(maps, entries, opts.tailCalls ?? [], file);
  for (const entry of entries) {
    const section = sectionWithoutNoAutoload(entry.section.name);
    if (opts.select && !opts.select(section, entry.name)) continue;
    const p = linkEntry(entry);
    if ('reason' in p) unrecognised.push(p);
    else programs.push(p);
  }
  const targets = tailCallTargetsOf(maps, entries, programs, linkEntry, file);
  if (targets) for (const p of programs) p.tailCallTargets = targets;
  return { programs, notices, unrecognised };
}

/** Adds the user's prog_array slots to the object's `.values` ones. */
function fillTailCallSlots(maps: ObjectMaps, entries: readonly Func[], slots: readonly TailCallSlot[], file: string): void {
  for (const s of slots) {
    const def = maps.maps.find((m) => m.name === s.map);
    if (!def) throw new BpfError('usage', `--tail-call ${s.map}[${s.index}]=${s.program}: the object has no map '${s.map}' (maps: ${maps.maps.map((m) => m.name).join(', ') || 'none'})`, { file });
    if (def.type !== 'prog_array') throw new BpfError('usage', `--tail-call ${s.map}[${s.index}]=${s.program}: map '${s.map}' is a ${def.type}, not a prog_array`, { file });
    if (!(Number.isInteger(s.index) && s.index >= 0 && s.index < def.maxEntries)) throw new BpfError('usage', `--tail-call ${s.map}[${s.index}]=${s.program}: index outside max_entries ${def.maxEntries}`, { file });
    const hits = entries.filter((e) => e.name === s.program || sectionWithoutNoAutoload(e.section.name) === s.program);
    if (hits.length !== 1) throw new BpfError('usage', `--tail-call ${s.map}[${s.index}]=${s.program}: ${hits.length ? 'several programs are' : 'no program is'} named so (programs: ${entries.map((e) => e.name).join(', ') || 'none'})`, { file });
    def.programSlots = new Map([...(def.programSlots ?? []), [s.index, hits[0].name]]);
  }
}

/** The programs prog_array slots name, linked, by function name; undefined when no slot
 * names one. As libbpf's init_prog_array_slots(), a target must be loaded: a program of a
 * '?' section (not auto-loaded) is loaded only when it is the one being run. */
function tailCallTargetsOf(maps: ObjectMaps, entries: readonly Func[], selected: readonly Program[], linkEntry: (f: Func) => Program | UnrecognisedProgram, file: string): Map<string, Program> | undefined {
  const names = new Map<string, string>();
  for (const def of maps.maps) for (const [i, n] of def.programSlots ?? []) if (!names.has(n)) names.set(n, `${def.name}[${i}]`);
  if (names.size === 0) return undefined;
  const out = new Map<string, Program>();
  for (const [name, slot] of names) {
    const entry = entries.find((e) => e.name === name) as Func;
    if (entry.section.name.startsWith('?') && !selected.some((p) => p.name === name)) {
      throw new BpfError('load', `${slot} names program '${name}' of section ${entry.section.name}, which libbpf does not load unless it is selected (autoload off): libbpf fails the load ("failed to initialize slot")`, { file });
    }
    const p = linkEntry(entry);
    if ('reason' in p) throw new BpfError('load', `${slot} names program '${name}': ${p.reason}`, { file });
    out.set(name, p);
  }
  return out;
}

/** One program of an object: by section name or function name, or the only one there is. */
export function loadObjectProgram(bytes: Uint8Array, file: string, section?: string, opts: ObjectLoadOptions & { notices?: string[] } = {}): Program {
  const wantedSection = section === undefined ? undefined : sectionWithoutNoAutoload(section);
  const select = section === undefined ? undefined : (sec: string, name: string): boolean => sec === wantedSection || name === section;
  const { programs, notices, unrecognised } = loadBpfObject(bytes, file, { ...opts, ...(select ? { select } : {}) });
  opts.notices?.push(...notices);
  const described = (): string => [...programs.map((p) => `${p.name} (${p.source.slice(file.length + 1)})`), ...unrecognised.map((u) => `${u.name} (${u.section})`)].join(', ') || 'none';
  if (section === undefined) {
    if (programs.length === 1 && unrecognised.length === 0) return programs[0];
    if (programs.length === 0 && unrecognised.length === 1) throw new BpfError('elf', unrecognised[0].reason, { file });
    throw new BpfError('elf', `object has ${programs.length + unrecognised.length} programs; pick one with a section name: ${described()}`, { file });
  }
  const wanted = sectionWithoutNoAutoload(section);
  const bySection = programs.filter((p) => p.source === `${file}:${wanted}`);
  const byName = programs.filter((p) => p.name === section);
  const hit = bySection.length === 1 ? bySection : byName;
  if (hit.length === 1) return hit[0];
  const refused = unrecognised.filter((u) => u.section === wanted || u.name === section);
  if (refused.length === 1) throw new BpfError('elf', refused[0].reason, { file });
  const all = loadBpfObject(bytes, file, { ...opts, verifierChecks: false, select: undefined });
  const every = [...all.programs.map((p) => `${p.name} (${p.source.slice(file.length + 1)})`), ...all.unrecognised.map((u) => `${u.name} (${u.section})`)].join(', ') || 'none';
  throw new BpfError('elf', `no single program in section or function "${section}"; programs: ${every}`, { file });
}

function copyMaps(maps: MapDef[]): MapDef[] {
  return maps.map((m) => ({ ...m, ...(m.initialValue ? { initialValue: Uint8Array.from(m.initialValue) } : {}) }));
}

function collectFuncs(elf: ElfFile): Func[] {
  const fail = (what: string): never => {
    throw new BpfError('elf', what, { file: elf.file });
  };
  const out: Func[] = [];
  for (const s of elf.sections) {
    if (!(s.flags & SHF.EXECINSTR) || s.type !== SHT.PROGBITS || s.size === 0) continue;
    if (s.size % INSN_SIZE !== 0) fail(`code section ${s.name} is ${s.size} bytes, not a multiple of ${INSN_SIZE}`);
    const syms = elf.symbols.filter((sym) => sym.shndx === s.index && sym.type === STT.FUNC).sort((a, b) => a.value - b.value);
    if (syms.length === 0 && s.name !== '.text') {
      out.push({ section: s, name: s.name, start: 0, size: s.size });
      continue;
    }
    let end = 0;
    for (const sym of syms) {
      if (sym.value % INSN_SIZE !== 0 || sym.size % INSN_SIZE !== 0 || sym.size === 0 || sym.value + sym.size > s.size) {
        fail(`function ${sym.name} (bytes ${sym.value}..${sym.value + sym.size}) is not a whole number of instructions inside ${s.name} (${s.size} bytes)`);
      }
      if (sym.value < end) fail(`function ${sym.name} in ${s.name} overlaps the function before it`);
      end = sym.value + sym.size;
      out.push({ section: s, name: sym.name, start: sym.value, size: sym.size });
    }
  }
  return out;
}

interface Linked {
  insns: Uint8Array;
  symbols: Map<number, string>;
}

/** A function being relocated: its private copy of the code and the next slot to visit. */
interface Pending {
  f: Func;
  code: Uint8Array;
  dv: DataView;
  base: number;
  next: number;
}

class Linker {
  private readonly placed = new Map<Func, number>();
  private readonly chunks: Uint8Array[] = [];
  private readonly stack: Pending[] = [];
  private cursor = 0;
  private readonly relocsBySection = new Map<number, Map<number, ElfRelocation>>();

  constructor(
    private readonly elf: ElfFile,
    private readonly funcs: Func[],
    private readonly maps: ObjectMaps,
    private readonly externs: ResolvedExterns,
    /** Code sections with CO-RE relocations applied, by section index. */
    private readonly patched: Map<number, Uint8Array>,
  ) {}

  /** `exceptionCallback`: appended after everything the program reaches, as libbpf's
   * bpf_object__relocate appends a program's exception callback. */
  link(entry: Func, exceptionCallback?: Func): Linked {
    this.place(entry);
    this.relocatePlaced();
    if (exceptionCallback) {
      this.place(exceptionCallback);
      this.relocatePlaced();
    }
    const insns = new Uint8Array(this.cursor * INSN_SIZE);
    let o = 0;
    for (const c of this.chunks) {
      insns.set(c, o);
      o += c.length;
    }
    const symbols = new Map<number, string>();
    for (const [f, slot] of this.placed) symbols.set(slot, f.name);
    return { insns, symbols };
  }

  private relocatePlaced(): void {
    // Depth first with an explicit stack (libbpf recurses): a callee met at slot i is
    // appended and relocated completely before the caller goes on with slot i + 1.
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1];
      if (top.next >= top.f.size / INSN_SIZE) {
        this.stack.pop();
        continue;
      }
      const i = top.next;
      top.next += top.code[i * INSN_SIZE] === OP_LDDW ? 2 : 1;
      this.relocateSlot(top, i);
    }
  }

  private fail(what: string, f?: Func, slot?: number): never {
    const at = f && slot !== undefined ? `${f.section.name}+0x${(f.start + slot * INSN_SIZE).toString(16)} (${f.name}): ` : '';
    const pc = f && slot !== undefined ? this.placed.get(f) : undefined;
    throw new BpfError('elf', at + what, { file: this.elf.file, ...(pc !== undefined ? { pc: pc + slot! } : {}) });
  }

  /** Linked slot of `f`, appending it (to be relocated next) the first time it is seen. */
  private place(f: Func): number {
    const known = this.placed.get(f);
    if (known !== undefined) return known;
    const base = this.cursor;
    this.placed.set(f, base);
    this.cursor += f.size / INSN_SIZE;
    const code = Uint8Array.from((this.patched.get(f.section.index) ?? f.section.data).subarray(f.start, f.start + f.size));
    this.chunks.push(code);
    this.stack.push({ f, code, dv: new DataView(code.buffer), base, next: 0 });
    return base;
  }

  private relocsFor(section: ElfSection): Map<number, ElfRelocation> {
    let m = this.relocsBySection.get(section.index);
    if (!m) {
      m = new Map();
      for (const rel of this.elf.relocations.get(section.index) ?? []) {
        if (rel.type === R_BPF.NONE) continue;
        if (rel.offset % INSN_SIZE !== 0 || rel.offset >= section.size) {
          throw new BpfError('elf', `relocation at ${section.name}+0x${rel.offset.toString(16)} is not on an instruction inside the ${section.size}-byte section`, { file: this.elf.file });
        }
        m.set(rel.offset, rel);
      }
      this.relocsBySection.set(section.index, m);
    }
    return m;
  }

  private relocateSlot(p: Pending, i: number): void {
    const { f, code, dv, base } = p;
    const slots = f.size / INSN_SIZE;
    const o = i * INSN_SIZE;
    const opcode = code[o];
    const src = code[o + 1] >> 4;
    const imm = dv.getInt32(o + 4, true);
    const rel = this.relocsFor(f.section).get(f.start + o);
    const setSrc = (v: number): void => {
      code[o + 1] = (code[o + 1] & 0x0f) | (v << 4);
    };
    const setImm = (v: number, slot = i): void => dv.setInt32(slot * INSN_SIZE + 4, v, true);
    const pcRel = (target: number): number => target - (base + i + 1);

    if (rel) {
      const sym = this.elf.symbols[rel.symbol];
      const addend = rel.addend !== undefined ? Number(rel.addend) : undefined;
      const target = sym.shndx === SHN_UNDEF ? undefined : this.elf.sections[sym.shndx];
      if (sym.shndx !== SHN_UNDEF && !target) this.fail(`relocation against ${sym.name || `symbol ${sym.index}`}, which has no section (index 0x${sym.shndx.toString(16)})`, f, i);
      if (rel.type === R_BPF.R_64_64) {
        if (opcode !== OP_LDDW || i + 1 >= slots) this.fail(`R_BPF_64_64 against ${sym.name || 'a section'} is not on a complete lddw`, f, i);
        if (!target) {
          const kconfig = this.externs.kconfig.get(sym.index);
          const address = this.externs.ksymAddress.get(sym.index);
          if (kconfig) {
            // libbpf: src BPF_PSEUDO_MAP_VALUE of the .kconfig map at the extern's offset.
            setSrc(PSEUDO.LDDW_MAP_IDX_VALUE);
            setImm(kconfig.mapIndex);
            setImm(kconfig.offset, i + 1);
          } else if (address !== undefined) {
            setSrc(PSEUDO.LDDW_IMM);
            setImm(Number(BigInt.asIntN(32, address)));
            setImm(Number(BigInt.asIntN(32, address >> 32n)), i + 1);
          } else {
            this.fail(`reference to extern variable ${sym.name || `symbol ${sym.index}`}, which has no BTF to say whether it is __kconfig or __ksym (build with -g)`, f, i);
          }
          return;
        }
        const off = sym.value + (addend ?? imm);
        const mapIdx = this.maps.bySymbol.get(sym.index) ?? this.mapAtOffset(target, off);
        const dataIdx = this.maps.bySection.get(target.index);
        if (mapIdx !== undefined) {
          setSrc(PSEUDO.LDDW_MAP_IDX);
          setImm(mapIdx);
          setImm(0, i + 1);
        } else if (dataIdx !== undefined) {
          if (off < 0 || off > target.size) this.fail(`reference to ${target.name}+${off} is outside that ${target.size}-byte section`, f, i);
          setSrc(PSEUDO.LDDW_MAP_IDX_VALUE);
          setImm(dataIdx);
          setImm(off, i + 1);
        } else if (target.flags & SHF.EXECINSTR) {
          setSrc(PSEUDO.LDDW_FUNC);
          setImm(pcRel(this.resolve(target, off, f, i)));
          setImm(0, i + 1);
        } else {
          this.fail(`lddw refers to ${sym.name || target.name} in section ${target.name}, which is neither a map, global data nor code`, f, i);
        }
      } else if (rel.type === R_BPF.R_64_32) {
        if (opcode !== OP_CALL) this.fail(`R_BPF_64_32 against ${sym.name || 'a section'} is not on a call`, f, i);
        if (!target) {
          // An unresolved weak kfunc keeps imm 0, as libbpf leaves it (a fault if reached).
          const id = this.externs.kfuncId.get(sym.index) ?? kfuncIdByName(sym.name);
          if (id === undefined) this.fail(`call to unknown kfunc ${sym.name || '(unnamed)'} (known: ${Object.keys(KFUNC_ID).join(', ')})`, f, i);
          setSrc(PSEUDO.CALL_KFUNC);
          setImm(id!);
        } else {
          if (!(target.flags & SHF.EXECINSTR)) this.fail(`call to ${sym.name || target.name}, which is not code`, f, i);
          const off = addend !== undefined ? sym.value + addend : sym.value + (imm + 1) * INSN_SIZE;
          setSrc(PSEUDO.CALL_LOCAL);
          setImm(pcRel(this.resolve(target, off, f, i)));
        }
      } else {
        this.fail(`unsupported relocation type ${rel.type} on an instruction`, f, i);
      }
    } else if ((opcode === OP_CALL && src === PSEUDO.CALL_LOCAL) || (opcode === OP_LDDW && src === PSEUDO.LDDW_FUNC)) {
      // Resolved by the compiler inside this section: still relative to the section layout.
      if (opcode === OP_LDDW && i + 1 >= slots) this.fail('lddw is missing its second slot', f, i);
      const off = f.start + (i + 1 + imm) * INSN_SIZE;
      setImm(pcRel(this.resolve(f.section, off, f, i)));
    }
  }

  /** Linked slot of byte offset `off` in code section `section`, placing its function. */
  private resolve(section: ElfSection, off: number, f: Func, i: number): number {
    if (off % INSN_SIZE !== 0) this.fail(`code target ${section.name}+${off} is not instruction-aligned`, f, i);
    const callee = this.funcs.find((g) => g.section === section && off >= g.start && off < g.start + g.size);
    if (!callee) this.fail(`code target ${section.name}+0x${off.toString(16)} is not inside any function`, f, i);
    return this.place(callee) + (off - callee.start) / INSN_SIZE;
  }

  /** A map referenced through its section symbol plus an offset. */
  private mapAtOffset(section: ElfSection, off: number): number | undefined {
    if (section.name !== '.maps' && section.name !== 'maps') return undefined;
    for (const [symIdx, mapIdx] of this.maps.bySymbol) {
      const sym = this.elf.symbols[symIdx];
      if (sym.shndx === section.index && sym.value === off) return mapIdx;
    }
    return undefined;
  }
}
