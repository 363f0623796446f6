// One runner per test file, opened on first use and closed after the file's tests.
// Tests call `needKernel(t)`: where the kernel cannot be used the test is marked skipped
// with the one-line reason, never passed silently.
import { after, type TestContext } from 'node:test';
import { openKernel, type KernelHandle, type KernelUnavailable } from '../../engine/kernel/bpf-syscall.ts';

let opened: Promise<KernelHandle | KernelUnavailable> | undefined;

// Registered at import, so it belongs to the file, not to whichever test opened the runner.
after(async () => {
  const k = await opened;
  if (k?.available) await k.close();
});

export function kernel(): Promise<KernelHandle | KernelUnavailable> {
  opened ??= openKernel();
  return opened;
}

/** The handle, or undefined after marking the test skipped. */
export async function needKernel(t: TestContext): Promise<KernelHandle | undefined> {
  const k = await kernel();
  if (k.available) return k;
  t.skip(`kernel BPF unavailable: ${k.reason}`);
  return undefined;
}
