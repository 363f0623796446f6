// Inputs for the text front ends: random token streams in the assembler's vocabulary and
// line/character-level mutations of real files (conformance `.data` files, their asm).

import { specsByMnemonic } from '../../isa/opcodes.ts';
import type { Mulberry32 } from '../../random.ts';

const MNEMONICS = [...specsByMnemonic().keys(), 'swap16', 'swap32', 'swap64', 'call', 'exit', 'lddw', 'ja', 'lock'];
const PUNCT = [',', '[', ']', '+', '-', ':', '#', '%', '.raw', '\t', ' ', '  ', '\n', '-- asm', '-- result', '-- mem', '-- raw', '-- error', '--'];
const NUMBERS = ['0', '1', '-1', '0x7fffffff', '0x80000000', '-2147483648', '4294967296', '0xffffffffffffffff', '0x10000000000000000', '99999999999999999999999', '65535', '32768', '-32769', '0x', '0b101', '1e3', '08', '+3', '-0', 'NaN'];
const WORDS = ['local', 'kfunc', 'bpf_throw', 'label', 'exit', 'L1', 'func1', 'r0', '%r0', '%r10', '%r11', '%r99', '%rX', '%', 'le', 'be'];

function token(rng: Mulberry32): string {
  switch (rng.int(5)) {
    case 0:
      return rng.pick(MNEMONICS);
    case 1:
      return `%r${rng.int(13)}`;
    case 2:
      return rng.pick(NUMBERS);
    case 3:
      return rng.pick(PUNCT);
    default:
      return rng.pick(WORDS);
  }
}

/** A random token stream, loosely shaped like assembly lines. */
export function randomAssembly(rng: Mulberry32): string {
  const lines: string[] = [];
  const n = rng.range(1, 30);
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    const k = rng.range(1, 7);
    for (let j = 0; j < k; j++) parts.push(token(rng));
    lines.push(parts.join(rng.chance(0.7) ? ' ' : ''));
  }
  return lines.join('\n');
}

const CHARSET = ' \t\n%[]+-,:#.0123456789abcdefxrXR_-\u0000\u00ff\u2028\ud800é';

/** One to several random edits of a text. */
export function mutateText(rng: Mulberry32, text: string, donor?: string): string {
  let lines = text.split('\n');
  const edits = rng.range(1, 4);
  for (let e = 0; e < edits; e++) {
    const i = rng.int(lines.length);
    switch (rng.int(9)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[rng.int(lines.length)] ?? '');
        break;
      case 2: {
        const j = rng.int(lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      }
      case 3: {
        const words = (lines[i] ?? '').split(/(\s+|,|\[|\])/);
        words[rng.int(words.length)] = token(rng);
        lines[i] = words.join('');
        break;
      }
      case 4: {
        const l = lines[i] ?? '';
        const at = rng.int(l.length + 1);
        lines[i] = l.slice(0, at) + CHARSET[rng.int(CHARSET.length)] + l.slice(at + rng.int(2));
        break;
      }
      case 5:
        lines.splice(i, 0, randomAssembly(rng));
        break;
      case 6:
        if (donor) {
          const d = donor.split('\n');
          const s = rng.int(d.length);
          lines.splice(i, rng.int(3), ...d.slice(s, s + rng.range(1, 6)));
        }
        break;
      case 7:
        lines[i] = (lines[i] ?? '').replace(/-?(0x[0-9a-f]+|\d+)/i, rng.pick(NUMBERS));
        break;
      default:
        lines = lines.slice(0, rng.int(lines.length + 1));
    }
  }
  return lines.join(rng.chance(0.05) ? '\r\n' : '\n');
}
