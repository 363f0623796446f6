// Reader for bpf_conformance `.data` test files: sections introduced by `-- name` lines.
//
//   -- asm                  assembly text (the assembler reads it; `#` starts a comment)
//   -- raw                  instruction slots: one `0x<16 hex>` 64-bit word per token (the
//                           slot read little-endian, opcode in the low byte, as lddw.data),
//                           or lines of two-digit hex bytes in memory order (as the
//                           negative/unused-* files)
//   -- mem                  input memory as hex bytes
//   -- result               expected r0: `0x` hex or decimal
//   -- error                expected error text; an empty section expects any error
//   -- c, -- no register offset   informational text, kept verbatim
//
// `#` starts a comment everywhere except in the informational sections. A directive the
// format does not define is recorded in `unknownDirectives`, not thrown: the upstream
// runner skips such a file rather than failing it (negative/invalid_unknown_directive).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BpfError } from '../errors.ts';
import { INSN_SIZE } from '../isa/encoding.ts';

interface DataSection<T> {
  value: T;
  /** 1-based line of the section's `--` header. */
  line: number;
}

export interface DataFile {
  /** As given to the parser, for messages. */
  file: string;
  /** The asm text; line `line + 1` of the file is its first line. */
  asm?: DataSection<string>;
  raw?: DataSection<Uint8Array>;
  mem?: DataSection<Uint8Array>;
  result?: DataSection<bigint>;
  /** Expected error text, '' when the section is empty (any error is expected). */
  error?: DataSection<string>;
  c?: DataSection<string>;
  noRegisterOffset?: DataSection<string>;
  unknownDirectives: { text: string; line: number }[];
  /** `#` lines before the first section (licence header, description). */
  comments: string[];
}

type SectionName = 'asm' | 'raw' | 'mem' | 'result' | 'error' | 'c' | 'noRegisterOffset';

const DIRECTIVES: Record<string, SectionName> = {
  asm: 'asm',
  raw: 'raw',
  mem: 'mem',
  result: 'result',
  error: 'error',
  c: 'c',
  'no register offset': 'noRegisterOffset',
};

const VERBATIM: ReadonlySet<SectionName> = new Set(['asm', 'c', 'noRegisterOffset']);

export function readDataFile(path: string): DataFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BpfError('parse', `cannot read test file: ${(err as Error).message}`, { file: path });
  }
  return parseDataFile(text, path);
}

export function parseDataFile(text: string, file = '<data>'): DataFile {
  const out: DataFile = { file, unknownDirectives: [], comments: [] };
  const bodies = new Map<SectionName, { line: number; lines: { text: string; line: number }[] }>();
  let current: SectionName | 'unknown' | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, i) => {
    const line = i + 1;
    const header = /^\s*--\s*(.*?)\s*$/.exec(lineText);
    if (header) {
      const name = DIRECTIVES[header[1]];
      if (!name) {
        out.unknownDirectives.push({ text: lineText.trim(), line });
        current = 'unknown';
        return;
      }
      if (bodies.has(name)) throw new BpfError('parse', `second '-- ${header[1]}' section (the first is at line ${bodies.get(name)?.line})`, { file, line });
      bodies.set(name, { line, lines: [] });
      current = name;
      return;
    }
    if (current === undefined) {
      if (/^\s*#/.test(lineText)) out.comments.push(lineText.replace(/^\s*#\s?/, ''));
      else if (lineText.trim() !== '') throw new BpfError('parse', `text before the first section: '${lineText.trim()}'`, { file, line });
      return;
    }
    if (current === 'unknown') return;
    const kept = VERBATIM.has(current) ? lineText : stripComment(lineText).trim();
    bodies.get(current)?.lines.push({ text: kept, line });
  });

  for (const [name, body] of bodies) {
    const where = (line: number) => ({ file, line });
    const content = body.lines.filter((l) => l.text.trim() !== '');
    switch (name) {
      case 'asm':
        out.asm = { value: body.lines.map((l) => l.text).join('\n'), line: body.line };
        break;
      case 'c':
      case 'noRegisterOffset':
        out[name] = { value: trimBlankEdges(body.lines.map((l) => l.text)).join('\n'), line: body.line };
        break;
      case 'error':
        out.error = { value: content.map((l) => l.text).join(' '), line: body.line };
        break;
      case 'result': {
        if (content.length !== 1) {
          throw new BpfError('parse', `'-- result' needs exactly one value, found ${content.length}`, where(content[1]?.line ?? body.line));
        }
        out.result = { value: parseResult(content[0].text, where(content[0].line)), line: body.line };
        break;
      }
      case 'mem':
        out.mem = { value: parseBytes(content, file), line: body.line };
        break;
      case 'raw':
        out.raw = { value: parseRaw(content, file, body.line), line: body.line };
        break;
    }
  }
  return out;
}

/** The file's stem, used as the program name ("add" for ".../add.data"). */
export function dataFileStem(file: string): string {
  return basename(file).replace(/\.data$/, '');
}

function stripComment(text: string): string {
  const hash = text.indexOf('#');
  return hash < 0 ? text : text.slice(0, hash);
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

function parseResult(text: string, where: { file: string; line: number }): bigint {
  const m = /^(-?)(0x[0-9a-f]+|[0-9]+)$/i.exec(text);
  if (!m) throw new BpfError('parse', `'-- result' value '${text}' is not a hex or decimal number`, where);
  const value = m[1] ? -BigInt(m[2]) : BigInt(m[2]);
  if (value < -(1n << 63n) || value >= 1n << 64n) throw new BpfError('parse', `'-- result' value '${text}' does not fit in 64 bits`, where);
  return BigInt.asUintN(64, value);
}

function parseBytes(content: { text: string; line: number }[], file: string): Uint8Array {
  const bytes: number[] = [];
  for (const { text, line } of content) {
    for (const tok of text.split(/\s+/)) {
      if (!/^(0x)?[0-9a-f]{1,2}$/i.test(tok)) throw new BpfError('parse', `'${tok}' is not a hex byte`, { file, line });
      bytes.push(parseInt(tok.replace(/^0x/i, ''), 16));
    }
  }
  return Uint8Array.from(bytes);
}

function parseRaw(content: { text: string; line: number }[], file: string, headerLine: number): Uint8Array {
  const bytes: number[] = [];
  for (const { text, line } of content) {
    const toks = text.split(/\s+/);
    if (toks.every((t) => /^0x[0-9a-f]{1,16}$/i.test(t))) {
      for (const t of toks) {
        let word = BigInt(t);
        for (let i = 0; i < INSN_SIZE; i++, word >>= 8n) bytes.push(Number(word & 0xffn));
      }
    } else if (toks.every((t) => /^[0-9a-f]{2}$/i.test(t))) {
      bytes.push(...toks.map((t) => parseInt(t, 16)));
    } else {
      throw new BpfError('parse', `'-- raw' line is neither 0x-prefixed 64-bit words nor two-digit hex bytes: '${text}'`, { file, line });
    }
  }
  if (bytes.length % INSN_SIZE !== 0) {
    throw new BpfError('parse', `'-- raw' holds ${bytes.length} bytes, not a whole number of ${INSN_SIZE}-byte instructions`, { file, line: headerLine });
  }
  return Uint8Array.from(bytes);
}
