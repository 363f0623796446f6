// Wire format shared with bpf-runner.c: every frame is a u32 little-endian payload length
// and the payload. Requests start with a u8 op; responses with an i32 status (0 = ok,
// else a positive errno). Keep the layouts here in step with the C side.
import { OBJ_NAME_LEN } from './uapi.ts';

export const PROTOCOL_VERSION = 4;

export const OP = {
  HELLO: 0,
  MAP_CREATE: 1,
  MAP_UPDATE: 2,
  MAP_LOOKUP: 3,
  MAP_FREEZE: 4,
  PROG_LOAD: 5,
  TEST_RUN: 6,
  CLOSE: 7,
  PROG_INFO: 8,
  SET_CPU: 9,
  PERF_OPEN: 10,
} as const;

/** Builds one request frame; the length prefix is filled in by `frame()`. */
export class RequestWriter {
  private buf: Uint8Array;
  private dv: DataView;
  private len = 4;

  constructor(op: number, sizeHint = 64) {
    this.buf = new Uint8Array(Math.max(16, sizeHint + 16));
    this.dv = new DataView(this.buf.buffer);
    this.u8(op);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.dv.setUint32(this.len, v >>> 0, true);
    this.len += 4;
    return this;
  }

  u64(v: bigint): this {
    this.reserve(8);
    this.dv.setBigUint64(this.len, BigInt.asUintN(64, v), true);
    this.len += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  blob(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  /** A kernel object name: at most 15 bytes of [A-Za-z0-9_.], NUL-padded to 16. */
  name(s: string): this {
    const out = new Uint8Array(OBJ_NAME_LEN);
    const clean = s.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, OBJ_NAME_LEN - 1);
    for (let i = 0; i < clean.length; i++) out[i] = clean.charCodeAt(i);
    return this.bytes(out);
  }

  frame(): Uint8Array {
    this.dv.setUint32(0, this.len - 4, true);
    return this.buf.subarray(0, this.len);
  }
}

/** Reads one response payload (after the length prefix). */
export class ResponseReader {
  private pos = 4;
  private readonly dv: DataView;
  readonly status: number;

  constructor(private readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.status = this.dv.getInt32(0, true);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new Error(`bpf-runner response truncated: need ${n} bytes at ${this.pos} of ${this.buf.length}`);
    }
  }

  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    return this.u32() | 0;
  }

  u64(): number {
    this.need(8);
    const v = Number(this.dv.getBigUint64(this.pos, true));
    this.pos += 8;
    return v;
  }

  blob(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.blob());
  }
}
