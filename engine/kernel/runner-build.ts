// Compiles bpf-runner.c with the machine's C compiler on first use. The binary lives in
// build/kernel/ under a name carrying the hash of the source and the compile command, so
// editing the C file (or switching compilers) builds a fresh binary and an unchanged one
// is reused. Concurrent test processes each compile to a private temporary name and
// rename it into place, so none ever runs a half-written file.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const RUNNER_SOURCE = fileURLToPath(new URL('./bpf-runner.c', import.meta.url));
const BUILD_DIR = fileURLToPath(new URL('../../build/kernel/', import.meta.url));
const CFLAGS = ['-O2', '-Wall', '-std=gnu11'];

/** One line: what is missing, what needs it, and how to get it. */
const NO_COMPILER =
  'no C compiler found: the bpf() helper (engine/kernel/bpf-runner.c) is compiled on first use with cc (tried $CC, cc, gcc, clang); install one, e.g. apt-get install gcc';

type BuildResult = { ok: true; path: string; compiler: string } | { ok: false; reason: string };

async function findCompiler(): Promise<string | undefined> {
  const candidates = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c): c is string => !!c);
  for (const cc of candidates) {
    try {
      await run(cc, ['--version'], { timeout: 10_000 });
      return cc;
    } catch {
      // not installed or not runnable: try the next one
    }
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function buildRunner(): Promise<BuildResult> {
  let source: Buffer;
  try {
    source = await readFile(RUNNER_SOURCE);
  } catch (e) {
    return { ok: false, reason: `cannot read ${RUNNER_SOURCE}: ${(e as Error).message}` };
  }
  const compiler = await findCompiler();
  if (!compiler) return { ok: false, reason: NO_COMPILER };

  const hash = createHash('sha256')
    .update(source)
    .update('\0' + compiler + '\0' + CFLAGS.join(' ') + '\0' + process.arch)
    .digest('hex')
    .slice(0, 16);
  const path = `${BUILD_DIR}bpf-runner-${hash}`;
  if (await exists(path)) return { ok: true, path, compiler };

  await mkdir(BUILD_DIR, { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await run(compiler, [...CFLAGS, '-o', tmp, RUNNER_SOURCE], { timeout: 120_000 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    const err = e as { stderr?: string; message: string };
    const firstLine = (err.stderr || err.message).split('\n').find((l) => l.trim()) ?? 'unknown error';
    return { ok: false, reason: `${compiler} failed to build bpf-runner: ${firstLine.trim()}` };
  }
  return { ok: true, path, compiler };
}
