// The kfunc registry (ids: engine/isa/internal-ids.ts KFUNC_ID).
// bpf_throw(u64 cookie), as merged in Linux 6.7 (kernel/bpf/helpers.c): walk every BPF
// frame back to the main program's and return through the exception callback, whose
// default returns the cookie as the program's result.

import { KFUNC_ID } from '../../isa/internal-ids.ts';
import { registry, type HelperRegistry } from './registry.ts';

export const defaultKfuncs: HelperRegistry = registry([
  {
    id: KFUNC_ID.bpf_throw,
    name: 'bpf_throw',
    fn: (env) => env.throwCookie(env.arg(1)),
  },
]);
