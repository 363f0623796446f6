// A one-line progress bar on stderr, drawn only when stderr is a terminal: piped or
// redirected output (CI logs, `2> file`) stays free of carriage returns.
import type { WriteStream } from 'node:tty';

export interface Progress {
  update(done: number, total: number, label: string): void;
  /** Clears the line so whatever is printed next starts clean. */
  end(): void;
}

const NO_PROGRESS: Progress = { update() {}, end() {} };

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  const tty = stream as WriteStream;
  const start = now();
  let drawn = false;
  return {
    update(done, total, label) {
      const columns = Math.min(tty.columns || 80, 100);
      const elapsed = now() - start;
      const eta = done > 0 && done < total ? ` eta ${clock((elapsed / done) * (total - done))}` : '';
      const counts = ` ${done}/${total} ${clock(elapsed)}${eta} `;
      const barWidth = Math.max(10, Math.min(30, columns - counts.length - 20));
      const filled = total > 0 ? Math.round((barWidth * done) / total) : barWidth;
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
      const room = Math.max(0, columns - 1 - bar.length - counts.length);
      tty.write(`\r${bar}${counts}${label.slice(0, room).padEnd(room)}`);
      drawn = true;
    },
    end() {
      if (drawn) tty.write(`\r${' '.repeat(Math.min(tty.columns || 80, 100) - 1)}\r`);
      drawn = false;
    },
  };
}
