// One thread of the host-capacity probe (host-capacity.ts). Plain JavaScript, so the
// thread starts without the TypeScript loader and times nothing but its kernel.
import { parentPort } from 'node:worker_threads';

// Integer work over a 256 KiB table: the simulator's hot loops are integer arithmetic,
// typed-array loads and stores in L1 and L2, so threads meet where a core shared with
// another vCPU, or a busy host, slows them. The work goes in blocks of one short
// function, which V8 optimises on its call count: one long loop would run whichever
// code on-stack replacement gave it, and that differed by 2x between threads.
const BLOCK = 1 << 14;
const table = new Int32Array(1 << 16);
const state = new Int32Array(2);

function block() {
  const t = table;
  let x = state[0];
  let sum = state[1];
  for (let i = 0; i < BLOCK; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = x & 0xffff;
    sum = (sum + t[j]) | 0;
    t[j] = sum ^ x;
  }
  state[0] = x;
  state[1] = sum;
}

/** The same work and the same sum on every call: the table and state start afresh. */
function kernel(blocks) {
  for (let i = 0; i < table.length; i++) table[i] = Math.imul(i, 0x9e3779b1);
  state[0] = 0x12345678;
  state[1] = 0;
  for (let b = 0; b < blocks; b++) block();
  return state[1];
}

parentPort.on('message', (blocks) => {
  parentPort.postMessage(kernel(blocks));
});
