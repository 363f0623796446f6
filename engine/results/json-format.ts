// Result documents as text: everything but the runs indented for reading, each run on a
// line of its own. A full bench run holds over a thousand runs; fully indented it is
// nearly twice the size, and one line per run still diffs run by run. Written in the
// compact form (compact-encoding.ts), which parseResultDocument expands.
import { encodeCompactDocument } from './compact-encoding.ts';
import type { ResultDocument } from './document.ts';

export function formatResultJson(doc: ResultDocument): string {
  const { runs, ...rest } = encodeCompactDocument(doc) as { runs: unknown[] };
  const head = JSON.stringify(rest, null, 2); // '{\n  ...\n}' (rest always has schema)
  const list = runs.length === 0 ? '[]' : '[\n' + runs.map((r) => '    ' + JSON.stringify(r)).join(',\n') + '\n  ]';
  return head.slice(0, -2) + ',\n  "runs": ' + list + '\n}\n';
}
