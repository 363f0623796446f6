// The registry bpf_conformance's test harness (ubpf plugin) expects: helper 5 is
// `unwind(x) { return x; }`, registered as the VM's unwind-stack extension, so a call
// returning 0 stops the program with r0 = 0. Every other id is as in the Linux registry.

import { defaultHelpers } from './linux.ts';
import { withHelpers, type HelperRegistry } from './registry.ts';

export const conformanceHelpers: HelperRegistry = withHelpers(defaultHelpers, [
  {
    id: 5,
    name: 'unwind',
    fn: (env) => {
      env.L[0] = env.L[1];
      env.H[0] = env.H[1];
      if (env.L[0] === 0 && env.H[0] === 0) env.stop(0n);
    },
  },
]);
