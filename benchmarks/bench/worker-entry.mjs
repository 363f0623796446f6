// The file piscina loads in each worker thread. It is JavaScript on purpose: piscina
// first tries `require(filename)`, and with tsx's loader given as `--import tsx` that
// require succeeds by compiling every TypeScript module of the engine to CommonJS, whose
// exports are getter functions. Every cross-module reference in the hot loops (opcode
// tables, event-trace constants, address-space accessors) then became a call: the
// default bench on 1 worker took 155.7 s where its tasks took 103.8 s one after the other
// in one process (Dec 2026, 2-vCPU EPYC; the getters were a seventh of a worker's CPU
// profile). Registering tsx's ESM loader here (loader hooks are per thread) and
// importing worker.ts keeps the engine ES modules, as in the main thread. This file's
// top-level await makes piscina's require fail and fall back to import().
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');

export const runTask = worker.runTask;
export const engineModuleFormat = worker.engineModuleFormat;
