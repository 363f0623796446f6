// The one place a command-line entry point turns its result into an exit status: user
// errors (BpfError) as one line and status 1, anything else as a bug with its stack.
import { BpfError } from '../errors.ts';

export function runMain(tool: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof BpfError) {
        process.stderr.write(`${tool}: ${err.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`${tool}: internal error (a bug in bpfexc, please report it):\n`);
        process.stderr.write((err instanceof Error ? err.stack : String(err)) + '\n');
        process.exitCode = 2;
      }
    },
  );
}
