// Material kept beside the checkout in ../shared (the bpf_conformance `.data` tests and the
// like) is not part of the project, and a plain clone has none of it. Tests reach it only
// through here, so its absence is handled one way: a test that has nothing to check without
// it skips with a notice naming what is missing, and one that can fall back to the project's
// own inputs asks with sharedPath and gets undefined.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The `shared` folder beside this checkout, whether or not it exists. */
export const SHARED_DIR = fileURLToPath(new URL('../../shared/', import.meta.url));

/** Where bpf_conformance's tests are read from (relative to SHARED_DIR); `negative/` inside. */
export const CONFORMANCE = 'conformance';

/** `rel` (a path under ../shared) if it exists there. */
export function sharedPath(rel: string): string | undefined {
  const path = join(SHARED_DIR, rel);
  return existsSync(path) ? path : undefined;
}

/** The one-line notice for a missing `rel`. */
export function sharedMissing(rel: string): string {
  return `../shared/${rel} not found (looked for ${join(SHARED_DIR, rel)})`;
}

/** `rel` under ../shared, or undefined once `t` is marked skipped with a notice naming what
 * is missing; the caller returns on undefined. */
export function sharedPathOrSkip(t: TestContext, rel: string): string | undefined {
  const path = sharedPath(rel);
  if (path === undefined) t.skip(sharedMissing(rel));
  return path;
}
