// The one place a command-line entry point turns its result into an exit status: user
// errors (BpfError) as one line and status 1, anything else as a bug with its stack.
import { BpfError } from './errors.ts';

export function runMain(tool: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof BpfError) {
        process.stderr.write(`${tool}: ${oneLine(err.message)}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`${tool}: internal error (a bug in bpfexc, please report it):\n`);
        process.stderr.write((err instanceof Error ? err.stack : String(err)) + '\n');
        process.exitCode = 2;
      }
    },
  );
}

const MAX_MESSAGE = 400;

/** What a user error says, as one line of text: control characters (a newline, bytes of
 * a binary file quoted by a parser) escaped, and cut if it runs on. */
function oneLine(message: string): string {
  const escaped = message.replace(/[^\x20-\x7e\u0080-\uffff]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  return escaped.length > MAX_MESSAGE ? escaped.slice(0, MAX_MESSAGE - 3) + '...' : escaped;
}
