// Prints the code point ranges that get-east-asian-width (the well-kept, ESM-only package that
// string-width uses) gives width 2: East Asian Wide and Fullwidth. lib/cli/text-width.ts holds
// the same table for this CommonJS build; test/unit/text-width.test.ts checks they agree.
//
//   node test/support/east-asian-wide-ranges.mjs          JSON, for the test
//   node test/support/east-asian-wide-ranges.mjs --ts     the TypeScript array, to paste after a Unicode update
import { eastAsianWidth } from 'get-east-asian-width';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ranges = [];
let start = -1;
for (let cp = 0; cp <= 0x110000; cp++) {
  const wide = cp <= 0x10ffff && eastAsianWidth(cp) === 2;
  if (wide && start < 0) start = cp;
  if (!wide && start >= 0) {
    ranges.push([start, cp - 1]);
    start = -1;
  }
}
const packageJson = join(dirname(fileURLToPath(import.meta.resolve('get-east-asian-width'))), 'package.json');
const version = JSON.parse(readFileSync(packageJson, 'utf8')).version;
if (process.argv.includes('--ts')) {
  const hex = (n) => `0x${n.toString(16).toUpperCase()}`;
  const lines = [];
  for (let i = 0; i < ranges.length; i += 6) lines.push('  ' + ranges.slice(i, i + 6).map(([a, b]) => `${hex(a)}, ${hex(b)},`).join(' '));
  process.stdout.write(`/** From get-east-asian-width ${version}: start, end, start, end, … (inclusive). */\nexport const WIDE_RANGES: readonly number[] = [\n${lines.join('\n')}\n];\n`);
} else {
  process.stdout.write(JSON.stringify({ version, ranges: ranges.flat() }) + '\n');
}
