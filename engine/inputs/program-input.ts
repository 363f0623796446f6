// Turns the `<program>` argument of a verb into a Program plus the context it runs on:
// an assembly file, a conformance `.data` file, or a `clang -target bpf` object.
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { assemble } from '../asm/assembler.ts';
import { programFromAssembly } from '../asm/to-program.ts';
import { parseDataFile } from '../asm/data-file.ts';
import { loadObjectProgram, type TailCallSlot } from '../elf/bpf-object.ts';
import { BpfError } from '../errors.ts';
import type { Program, ProgramType } from '../program.ts';
import { contextKind } from '../program-context.ts';

export interface ProgramInput {
  program: Program;
  /** What r1 points at: the `-- mem` bytes, a packet, or nothing. */
  ctx?: Uint8Array;
  /** skb programs: struct __sk_buff as the kernel's test run takes it in ctx_in. */
  ctxIn?: Uint8Array;
  /** Conformance files run against the bpf_conformance helper set (helper 5 differs). */
  helperSet: 'linux' | 'conformance';
  /** What the object loader resolved differently from a kernel load, one line each. */
  notices?: string[];
}

interface ProgramInputOptions {
  section?: string;
  /** Context bytes given on the command line (--mem / --packet). */
  ctx?: Uint8Array;
  /** BTF file CO-RE relocations resolve against (--btf), instead of the running kernel's. */
  btf?: string;
  /** --packet and --mem separately: for skb programs the packet is data_in and --mem the
   * struct __sk_buff ctx_in, as BPF_PROG_TEST_RUN takes them. */
  packet?: Uint8Array;
  mem?: Uint8Array;
  /** --type: every program of an object gets this type. */
  forceType?: ProgramType;
  /** --tail-call: prog_array slots to fill with programs of the object. */
  tailCalls?: readonly TailCallSlot[];
}


/** A 64-byte Ethernet/IPv4/UDP frame: what `--packet` defaults to for packet programs. */
export function defaultPacket(): Uint8Array {
  const p = new Uint8Array(64);
  p.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], 0); // dst, src MAC, IPv4
  p.set([0x45, 0, 0, 50, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14); // IPv4, UDP
  p.set([0x30, 0x39, 0x00, 0x35, 0, 30, 0, 0], 34); // UDP 12345 -> 53
  return p;
}

function readInput(path: string): Uint8Array {
  try {
    if (!statSync(path).isFile()) throw new BpfError('usage', `${path} is not a file`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof BpfError) throw e;
    throw new BpfError('usage', `cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The first bytes of a file as a reader can take them in: printable ASCII as is, any
 * other byte as \xNN. */
function quoteLeadingBytes(bytes: Uint8Array, max = 8): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  return out + (bytes.length > max ? '...' : '');
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/** The file as UTF-8 text; a file that is not text (a NUL byte, or bytes that are not
 * UTF-8) is refused with its first few bytes quoted, never echoed whole. */
function textOf(bytes: Uint8Array, path: string, expected: string): string {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined || text.includes('\0')) {
    const elf = ELF_MAGIC.every((b, i) => bytes[i] === b);
    const hint = elf ? 'an ELF object is read from a .o file' : `expected ${expected}`;
    throw new BpfError('parse', `not a text file (it starts with ${quoteLeadingBytes(bytes)}); ${hint}`, { file: path });
  }
  return text;
}

function fromAsm(text: string, file: string, firstLine = 1): Program {
  return programFromAssembly(assemble(text, file, { firstLine }), { name: basename(file, extname(file)), source: file });
}

export function readProgramInput(path: string, opts: ProgramInputOptions = {}): ProgramInput {
  const ext = extname(path).toLowerCase();
  const bytes = readInput(path);
  if (ext === '.data') {
    const data = parseDataFile(textOf(bytes, path, 'a bpf_conformance test file'), path);
    let program: Program;
    // As the conformance runner does: the raw bytes are the test when both are given.
    if (data.raw) program = { name: basename(path, ext), source: path, insns: data.raw.value, maps: [], type: 'raw' };
    else if (data.asm) program = fromAsm(data.asm.value, path, data.asm.line + 1);
    else throw new BpfError('parse', 'has neither an asm nor a raw section', { file: path });
    return { program, ctx: opts.ctx ?? data.mem?.value, helperSet: 'conformance' };
  }
  if (ext === '.s' || ext === '.asm') {
    return { program: fromAsm(textOf(bytes, path, 'BPF assembly text'), path), ctx: opts.ctx, helperSet: 'linux' };
  }
  if (ext === '.o') {
    const notices: string[] = [];
    const program = loadObjectProgram(bytes, path, opts.section, { notices, forceType: opts.forceType, ...(opts.tailCalls?.length ? { tailCalls: opts.tailCalls } : {}), ...(opts.btf !== undefined ? { btf: { file: opts.btf } } : {}) });
    return { program, ...objectContext(program.type, opts), helperSet: 'linux', ...(notices.length ? { notices } : {}) };
  }
  throw new BpfError('usage', `'${path}': unknown program kind '${ext || '(no extension)'}' (expected .s, .asm, .data or .o)`);
}

/** The context an object's program runs on: packet programs get --packet (or a default
 * frame) as their packet, and skb programs --mem as their __sk_buff ctx_in; other
 * programs get --mem (or --packet) as their raw context, or a zeroed struct of their
 * type's size (pt_regs, the argument array, ...) when none is given. */
export function objectContext(type: ProgramType, opts: ProgramInputOptions): { ctx?: Uint8Array; ctxIn?: Uint8Array } {
  const kind = contextKind(type);
  const packet = opts.packet ?? (opts.mem === undefined ? opts.ctx : undefined);
  if (kind.kind === 'sk_buff') return { ctx: packet ?? defaultPacket(), ...(opts.mem ? { ctxIn: opts.mem } : {}) };
  if (kind.kind === 'xdp_md') return { ctx: opts.ctx ?? defaultPacket() };
  if (kind.kind === 'bytes') return { ctx: opts.ctx ?? (kind.size ? new Uint8Array(kind.size) : undefined) };
  return {};
}
