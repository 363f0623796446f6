// One long-lived bpf-runner child and an in-order request queue over its pipes. The
// runner answers strictly in order, so each response settles the oldest pending request.
// The pipes hold the Node event loop open only while a request is outstanding, so a
// caller that forgets close() does not hang the process at exit.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { ResponseReader } from './runner-protocol.ts';

interface Pending {
  resolve: (r: ResponseReader) => void;
  reject: (e: Error) => void;
}

export class RunnerProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  private dead: Error | undefined;
  private stderrTail = '';

  constructor(binary: string) {
    this.child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => this.onData(d));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.child.on('error', (e) => this.fail(new Error(`bpf-runner: ${e.message}`)));
    this.child.on('exit', (code, signal) => {
      const why = signal ? `signal ${signal}` : `code ${code}`;
      this.fail(new Error(`bpf-runner exited (${why})${this.stderrTail ? ': ' + this.stderrTail.trim() : ''}`));
    });
    this.child.stdin.on('error', () => {
      // EPIPE after the child died; the exit handler reports it
    });
    this.idle();
  }

  get alive(): boolean {
    return !this.dead;
  }

  request(frame: Uint8Array): Promise<ResponseReader> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) this.busy();
      this.pending.push({ resolve, reject });
      this.child.stdin.write(frame);
    });
  }

  /** Closes the runner's stdin; it exits and the kernel closes every fd it held. */
  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.busy();
    this.child.stdin.end();
    await exited;
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    while (this.buffered >= 4) {
      if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
      const head = this.chunks[0];
      const n = head.readUInt32LE(0);
      if (this.buffered < 4 + n) return;
      const payload = head.subarray(4, 4 + n);
      const rest = head.subarray(4 + n);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      const p = this.pending.shift();
      if (!p) {
        this.fail(new Error('bpf-runner sent a response nobody asked for'));
        return;
      }
      if (this.pending.length === 0) this.idle();
      p.resolve(new ResponseReader(payload));
    }
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const p of this.pending.splice(0)) p.reject(e);
    this.idle();
  }

  private pipes(): Socket[] {
    const { stdin, stdout, stderr } = this.child;
    return [stdin, stdout, stderr] as unknown[] as Socket[];
  }

  private busy(): void {
    this.child.ref();
    for (const p of this.pipes()) p.ref();
  }

  private idle(): void {
    this.child.unref();
    for (const p of this.pipes()) p.unref();
  }
}
