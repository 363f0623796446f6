// For random verifier-accepted programs and random selections of call sites, every
// strategy's rewrite keeps what the program computes (r0 and the whole map value) when
// nothing throws, and the rewritten program still passes load-time validation (every
// jump and call lands on an instruction start inside its function).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateProgram } from '../../engine/fuzz/program-generator.ts';
import { caseProgram, executorSubject } from '../../engine/fuzz/differential.ts';
import { loadProgram } from '../../engine/exec/index.ts';
import { STRATEGIES } from '../../engine/strategies/index.ts';
import { defaultRewriteEnv } from '../../engine/strategies/env.ts';

const PROGRAMS = 120;

/** xorshift32, so each program's site selection is reproducible from its seed. */
function chooser(seed: number): () => boolean {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x & 1) === 1;
  };
}

test(`rewrites keep r0 and memory on ${PROGRAMS} random programs with random call-site selections`, () => {
  let sitesChecked = 0;
  for (let seed = 1; seed <= PROGRAMS; seed++) {
    const g = generateProgram(seed);
    const original = executorSubject(g);
    for (const s of STRATEGIES) {
      const pick = chooser(seed * 31 + s.name.length);
      const selected = new Set<number>();
      const env = defaultRewriteEnv({
        sites: 'all-calls',
        siteFilter: (pc) => {
          const yes = pick();
          if (yes) selected.add(pc);
          return yes;
        },
      });
      const r = s.rewrite(caseProgram(g), env);
      sitesChecked += r.callSites.filter((c) => c.rewrite === 'check').length;
      const where = `seed ${seed}, ${s.name}, sites ${[...selected].join(',')}`;
      assert.doesNotThrow(() => loadProgram(r.program), where);
      const after = executorSubject({ ...g, insns: r.program.insns });
      assert.equal(after.r0, original.r0, `r0: ${where}`);
      assert.ok(original.entries.length > 0, `no map value observed: ${where}`);
      assert.deepEqual(after.entries, original.entries, `map value: ${where}`);
    }
  }
  assert.ok(sitesChecked > PROGRAMS, `only ${sitesChecked} checks inserted: the property was barely exercised`);
});
