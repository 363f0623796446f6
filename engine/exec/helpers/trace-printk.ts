// bpf_trace_printk (6), bpf_trace_vprintk (177) and bpf_snprintf (165): the kernel's restricted printf, as
// kernel/bpf/helpers.c bpf_bprintf_prepare() checks the format and gathers the arguments
// (strings and IP addresses copied out of memory with the *_nofault readers) and
// lib/vsprintf.c bstr_printf() formats them.
//
// Accepted conversions (anything else is -EINVAL): %d %i %u %x %X with l or ll, %c, %s,
// %pks/%pus, %p %pK %px %ps %pS %pB, %pI4 %pi4 %pI6 %pi6, and %%, with the flags 0 + - and
// space and a width. bpf_trace_printk takes at most three arguments, bpf_snprintf twelve.
//
// A simulated kernel has no pointer-hashing key and no symbols: %p, %pK and %px print the
// address as 16 hex digits (the kernel prints a per-boot hash for %p and %pK, of the same
// width) and %ps/%pS/%pB print it as 0x<hex>, as the kernel does for an address it
// cannot name. bpf_trace_printk's output (the trace_pipe message, without the task/CPU
// prefix the tracer adds) is kept per instance: traceLog().

import type { Memory } from '../memory.ts';
import type { InstanceState } from '../state.ts';
import { ERRNO } from '../errno.ts';
import { returnInt } from './args.ts';
import { addressClass, copyFromKernelNofault, strncpyFromKernelNofault, strncpyFromUserNofault } from './kernel-memory.ts';
import type { HelperDef, HelperEnv } from './registry.ts';

/** include/linux/bpf.h */
const MAX_TRACE_PRINTK_VARARGS = 3;
const MAX_BPRINTF_VARARGS = 12;
const MAX_BPRINTF_BUF = 1024;
const MAX_BPRINTF_BIN_ARGS = 512;

/** Lines an instance keeps; later ones are counted, not stored. */
const TRACE_LOG_LIMIT = 10_000;

export interface TraceLog {
  lines: string[];
  /** Lines printed after the log was full. */
  dropped: number;
}

const logs = new WeakMap<InstanceState, TraceLog>();

/** What bpf_trace_printk printed on this instance, oldest first. */
export function traceLog(state: InstanceState): TraceLog {
  let log = logs.get(state);
  if (!log) logs.set(state, (log = { lines: [], dropped: 0 }));
  return log;
}

interface Spec {
  left: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  width: number;
}

/** One piece of the formatted output: literal text, or a conversion with its argument. */
type Piece = string | { spec: Spec; text: string; numeric: boolean; sign: string };

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isPunct = (c: number): boolean => isPrint(c) && c !== 0x20 && !/[0-9A-Za-z]/.test(String.fromCharCode(c));
const ch = (s: string): number => s.charCodeAt(0);

const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

function ipString(bytes: Uint8Array, kind: string): string {
  if (kind === 'I4') return Array.from(bytes, (b) => String(b)).join('.');
  if (kind === 'i4') return Array.from(bytes, (b) => String(b).padStart(3, '0')).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16).padStart(4, '0'));
  return kind === 'I6' ? groups.join(':') : groups.join('');
}

function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * bpf_bprintf_prepare(): checks `fmt` (its bytes before the first NUL) against the
 * arguments and resolves each conversion's argument into text, or returns -errno.
 */
export function prepareFormat(mem: Memory, fmt: Uint8Array, args: readonly bigint[]): Piece[] | number {
  const pieces: Piece[] = [];
  let room = MAX_BPRINTF_BIN_ARGS;
  let lit = '';
  let n = 0;
  const at = (i: number): number => (i < fmt.length ? fmt[i] : 0);
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if ((!isPrint(c) && !isSpace(c)) || c > 0x7f) return -ERRNO.EINVAL;
    if (c !== ch('%')) {
      lit += String.fromCharCode(c);
      continue;
    }
    if (at(i + 1) === ch('%')) {
      lit += '%';
      i++;
      continue;
    }
    if (n >= args.length) return -ERRNO.EINVAL;
    i++;
    const spec: Spec = { left: false, plus: false, space: false, zero: false, width: -1 };
    for (;;) {
      const f = at(i);
      if (f === ch('0')) spec.zero = true;
      else if (f === ch('+')) spec.plus = true;
      else if (f === ch('-')) spec.left = true;
      else if (f === ch(' ')) spec.space = true;
      else break;
      i++;
    }
    if (at(i) >= ch('1') && at(i) <= ch('9')) {
      spec.width = 0;
      while (at(i) >= ch('0') && at(i) <= ch('9')) spec.width = spec.width * 10 + (at(i++) - ch('0'));
    }
    if (lit) pieces.push(lit);
    lit = '';
    const arg = args[n];
    const push = (text: string, numeric = false, sign = ''): void => {
      pieces.push({ spec, text, numeric, sign });
      n++;
    };
    const str = (kind: number): number => {
      const next = at(i + 1);
      if (next !== 0 && !isSpace(next) && !isPunct(next)) return -ERRNO.EINVAL;
      if (room === 0) return -ERRNO.ENOSPC;
      const buf = new Uint8Array(room);
      // bpf_trace_copy_string(): %s reads user memory below TASK_SIZE, kernel memory above.
      const user = kind === ch('u') || (kind === ch('s') && addressClass(arg) === 'user');
      let got = (user ? strncpyFromUserNofault : strncpyFromKernelNofault)(mem, buf, arg);
      if (got < 0) {
        buf[0] = 0;
        got = 1;
      }
      room -= got;
      const nul = buf.indexOf(0);
      push(decodeLatin1(buf.subarray(0, nul < 0 ? got : nul)));
      return 0;
    };
    const c1 = at(i);
    if (c1 === ch('p')) {
      const p1 = at(i + 1);
      if ((p1 === ch('k') || p1 === ch('u')) && at(i + 2) === ch('s')) {
        i += 2;
        const err = str(p1);
        if (err) return err;
        continue;
      }
      if (p1 === 0 || isSpace(p1) || isPunct(p1) || p1 === ch('K') || p1 === ch('x') || p1 === ch('s') || p1 === ch('S')) {
        // Kernel pointers, 8 bytes of the binary arguments.
        room &= ~3;
        if (room < 8) return -ERRNO.ENOSPC;
        room -= 8;
        if (p1 === ch('s') || p1 === ch('S')) {
          i++;
          push('0x' + BigInt.asUintN(64, arg).toString(16));
        } else {
          if (p1 === ch('K') || p1 === ch('x')) i++;
          push(hex16(arg), true);
        }
        continue;
      }
      if (p1 === ch('B')) {
        i++;
        const text = '0x' + BigInt.asUintN(64, arg).toString(16);
        room -= Math.min(room, text.length + 1);
        push(text);
        continue;
      }
      const p2 = at(i + 2);
      if ((p1 !== ch('i') && p1 !== ch('I')) || (p2 !== ch('4') && p2 !== ch('6'))) return -ERRNO.EINVAL;
      i += 2;
      const size = p2 === ch('4') ? 4 : 16;
      if (room < size) return -ERRNO.ENOSPC;
      const ip = new Uint8Array(size);
      if (copyFromKernelNofault(mem, ip, arg) < 0) ip.fill(0);
      const text = ipString(ip, String.fromCharCode(p1, p2));
      room -= Math.min(room, text.length + 1);
      push(text);
      continue;
    }
    if (c1 === ch('s')) {
      const err = str(c1);
      if (err) return err;
      continue;
    }
    if (c1 === ch('c')) {
      if (room === 0) return -ERRNO.ENOSPC;
      room--;
      push(String.fromCharCode(Number(arg & 0xffn)));
      continue;
    }
    let bytes = 4;
    if (at(i) === ch('l')) {
      bytes = 8;
      i++;
    }
    if (at(i) === ch('l')) i++;
    const t = at(i);
    if (t !== ch('i') && t !== ch('d') && t !== ch('u') && t !== ch('x') && t !== ch('X')) return -ERRNO.EINVAL;
    room &= ~3;
    if (room < bytes) return -ERRNO.ENOSPC;
    room -= bytes;
    const v = bytes === 8 ? arg : BigInt.asUintN(32, arg);
    if (t === ch('d') || t === ch('i')) {
      const s = BigInt.asIntN(bytes * 8, v);
      const sign = s < 0n ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
      push((s < 0n ? -s : s).toString(10), true, sign);
    } else if (t === ch('u')) push(BigInt.asUintN(bytes * 8, v).toString(10), true);
    else {
      const h = BigInt.asUintN(bytes * 8, v).toString(16);
      push(t === ch('X') ? h.toUpperCase() : h, true);
    }
  }
  if (lit) pieces.push(lit);
  return pieces;
}

/** bstr_printf()'s padding of one conversion (lib/vsprintf.c number(), string()). */
export function renderPieces(pieces: readonly Piece[]): string {
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const { spec, text, numeric, sign } = p;
    const pad = Math.max(0, spec.width - text.length - sign.length);
    if (spec.left) out += sign + text + ' '.repeat(pad);
    else if (spec.zero && numeric) out += sign + '0'.repeat(pad) + text;
    else out += ' '.repeat(pad) + sign + text;
  }
  return out;
}

/** The 64-bit arguments in r3..r5 (bpf_trace_printk). */
const registerArgs = (env: HelperEnv): bigint[] => [3, 4, 5].map((r) => env.arg(r));

/** The kernel's bpf_trace_printk/vprintk tail: format, append to the trace log (the
 * line cut as bpf_bprintf_prepare's buffer cuts it), return the length or the error. */
function printToTraceLog(env: HelperEnv, fmt: Uint8Array, args: readonly bigint[]): void {
  const pieces = prepareFormat(env.mem, fmt, args);
  if (typeof pieces === 'number') return returnInt(env, pieces);
  const text = renderPieces(pieces);
  const log = traceLog(env.state);
  if (log.lines.length < TRACE_LOG_LIMIT) log.lines.push(text.slice(0, MAX_BPRINTF_BUF - 1));
  else log.dropped++;
  returnInt(env, text.length);
}

export const tracePrintkHelpers: HelperDef[] = [
  {
    // kernel/trace/bpf_trace.c bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): the
    // format must hold a NUL within fmt_size; returns bstr_printf()'s length (what would
    // be printed into the 1024-byte buffer, the NUL excluded).
    id: 6,
    name: 'bpf_trace_printk',
    fn: (env) => {
      const size = env.L[2] >>> 0;
      const at = env.pointer(1, size, false);
      const fmt = env.mem.bytes.subarray(at, at + size);
      const nul = fmt.indexOf(0);
      if (nul < 0) return returnInt(env, -ERRNO.EINVAL);
      printToTraceLog(env, fmt.subarray(0, nul), registerArgs(env).slice(0, MAX_TRACE_PRINTK_VARARGS));
    },
  },
  {
    // kernel/trace/bpf_trace.c bpf_trace_vprintk(fmt, fmt_size, args, data_len): as
    // bpf_trace_printk, with up to twelve u64 arguments in an array; data_len must be a
    // multiple of 8 (and args non-NULL when it is not 0), else -EINVAL.
    id: 177,
    name: 'bpf_trace_vprintk',
    fn: (env) => {
      const dataLen = env.L[4] >>> 0;
      const argsNull = env.L[3] === 0 && env.H[3] === 0;
      if (env.H[4] !== 0 || dataLen % 8 || dataLen > MAX_BPRINTF_VARARGS * 8 || (dataLen && argsNull)) return returnInt(env, -ERRNO.EINVAL);
      const args: bigint[] = [];
      if (dataLen) {
        const a = env.pointer(3, dataLen, false);
        for (let i = 0; i < dataLen; i += 8) args.push(env.mem.view.getBigUint64(a + i, true));
      }
      const size = env.L[2] >>> 0;
      const at = env.pointer(1, size, false);
      const fmt = env.mem.bytes.subarray(at, at + size);
      const nul = fmt.indexOf(0);
      if (nul < 0) return returnInt(env, -ERRNO.EINVAL);
      printToTraceLog(env, fmt.subarray(0, nul), args);
    },
  },
  {
    // kernel/bpf/helpers.c bpf_snprintf(str, str_size, fmt, args, data_len): formats into
    // str (cut to str_size - 1 bytes and NUL-terminated) and returns the full length + 1.
    id: 165,
    name: 'bpf_snprintf',
    fn: (env) => {
      const strSize = env.L[2] >>> 0;
      const dataLen = env.L[5] >>> 0;
      const argsNull = env.L[4] === 0 && env.H[4] === 0;
      if (dataLen % 8 || dataLen > MAX_BPRINTF_VARARGS * 8 || (dataLen && argsNull)) return returnInt(env, -ERRNO.EINVAL);
      const args: bigint[] = [];
      if (dataLen) {
        const a = env.pointer(4, dataLen, false);
        for (let i = 0; i < dataLen; i += 8) args.push(env.mem.view.getBigUint64(a + i, true));
      }
      // ARG_PTR_TO_CONST_STR: the verifier proved a NUL within the read-only map value.
      const fmtAt = env.pointer(3, 1, false);
      const bytes = env.mem.bytes;
      let end = fmtAt;
      while (bytes[end] !== 0) end++;
      const pieces = prepareFormat(env.mem, bytes.subarray(fmtAt, end), args);
      if (typeof pieces === 'number') return returnInt(env, pieces);
      const text = renderPieces(pieces);
      if (strSize > 0) {
        const dst = env.pointer(1, strSize, true);
        const n = Math.min(text.length, strSize - 1);
        for (let i = 0; i < n; i++) env.mem.bytes[dst + i] = text.charCodeAt(i);
        env.mem.bytes[dst + n] = 0;
      }
      returnInt(env, text.length + 1);
    },
  },
];
