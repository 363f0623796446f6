// The pool's workers load the engine as ES modules, as the main thread does. Loaded
// through piscina's require() with tsx's CommonJS hook, every cross-module reference
// became a getter call and the bench ran about 1.5x slower (see worker-entry.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Piscina } from 'piscina';
import { WORKER_FILE } from '../../benchmarks/bench/pool.ts';
import { engineModuleFormat } from '../../benchmarks/bench/worker.ts';

test('a bench worker loads the engine as ES modules, like the main thread', async () => {
  assert.equal(engineModuleFormat(), 'es module', 'the main thread (tsx) runs ES modules');
  const pool = new Piscina({ filename: WORKER_FILE, name: 'engineModuleFormat', minThreads: 1, maxThreads: 1 });
  try {
    assert.equal(await pool.run(null), 'es module');
  } finally {
    await pool.destroy();
  }
});
