// bpf_tail_call (12): jump into prog_array[index] with the same context, never returning.
// On a missing entry, an index out of range or after MAX_TAIL_CALL_CNT (33) tail calls
// it falls through to the next instruction (r0 is left as it was, as the kernel's
// interpreter does).

import { ProgArrayMap } from '../maps/prog-array.ts';
import { mapArg } from './args.ts';
import type { HelperDef } from './registry.ts';

export const MAX_TAIL_CALL_CNT = 33;

export const tailCallHelpers: HelperDef[] = [
  {
    id: 12,
    name: 'bpf_tail_call',
    fn: (env) => {
      const m = mapArg(env, 2);
      if (!(m instanceof ProgArrayMap)) env.fault(`bpf_tail_call: map '${m.def.name}' is not a prog_array`);
      const idx = env.L[3] >>> 0;
      const arr = m as ProgArrayMap;
      if (idx >= arr.def.maxEntries) return;
      const prog = arr.progs[idx];
      if (prog === undefined) return;
      if (env.tailCalls >= MAX_TAIL_CALL_CNT) return;
      env.tailCall(prog);
    },
  },
];
