// A caveat is printed to users who paste it into mailing-list replies: every file it
// cites must be one they can open, a file of this repository or a kernel source path.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { HELPER_COSTS } from '../../engine/timing/helper-costs.ts';

const repo = new URL('../../', import.meta.url).pathname;
const KERNEL_TOP = ['arch', 'block', 'drivers', 'fs', 'include', 'init', 'kernel', 'lib', 'mm', 'net', 'tools'];

test('every unmeasured-cost caveat cites only files in this repository or kernel source paths', () => {
  const texts = HELPER_COSTS.filter((h) => h.unmeasured !== undefined).map((h) => `${h.name}: ${h.unmeasured}`);
  assert.ok(texts.length > 0);
  for (const text of texts) {
    for (const [file] of text.matchAll(/[\w.-]+(?:\/[\w.-]+)*\.(?:md|ts|js|json|c|h|S)\b/g)) {
      const kernel = KERNEL_TOP.includes(file.split('/')[0]) && file.includes('/');
      assert.ok(kernel || existsSync(repo + file), `${text}\n  cites '${file}', neither a kernel source path nor a file here`);
    }
  }
});
