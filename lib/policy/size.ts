/**
 * Sizes of keys as people write them in limits, with one exact grammar:
 *
 *   size := digits [ unit ]      no spaces, signs or decimals; unit case-insensitive
 *   unit := B | KB | MB | GB     1, 1024, 1024², 1024³ bytes (as in Redis's own configuration,
 *         | KiB | MiB | GiB      where 1kb is 1024 bytes); KiB, MiB, GiB say the same explicitly
 *
 * so `10MB` is 10,485,760 bytes, `512kb` 524,288 and `20971520` (no unit) bytes. `1.5MB`, `10 MB`,
 * `-1` and `10M` are not sizes. Where a number is allowed (props, fleet files) it is bytes and must
 * be a safe integer. A limit is bounded by what it limits: a string limit above 512 MB (Redis's
 * largest string) could never block, so it is refused rather than silently checking nothing.
 */
import { DcsConfigError } from '../client/errors';
import { show } from '../client/validation';

const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };
const GRAMMAR = /^(\d{1,16})(b|kb|kib|mb|mib|gb|gib)?$/i;

/** Redis's largest string value: a string limit above it can never block. */
export const MAX_STRING_BYTES = 512 * 1024 ** 2;

const EXAMPLES = 'a size in bytes such as 10MB, 512KB or 20971520 (digits and an optional unit B, KB, MB or GB, 1024-based; no spaces or decimals)';

/** Bytes of a size (text in the grammar, or a number of bytes), from `min` to `max` bytes. */
export function parseSize(value: unknown, name: string, bounds: { readonly min?: number; readonly max?: number } = {}): number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? MAX_STRING_BYTES;
  let bytes: number | undefined;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const m = GRAMMAR.exec(value);
    if (m) bytes = Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()];
  }
  if (bytes === undefined) throw new DcsConfigError(`invalid ${name} ${show(value)}: expected ${EXAMPLES}`);
  if (!Number.isSafeInteger(bytes) || bytes < min || bytes > max) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: a size must be a whole number of bytes from ${formatSize(min)} to ${formatSize(max)} (${max} bytes)`);
  }
  return bytes;
}

/** The shortest exact text of a size in the grammar: `10MB`, `512KB`, `20971521B`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** `20 MB (20,971,520 bytes)`, `812 bytes`: a size for messages people read (1024-based, one decimal, and exact). */
export function describeSize(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
  const rounded = shortSize(bytes);
  return rounded.endsWith(' B') ? exact : `${rounded} (${exact})`;
}

/** `20 MB`, `3.5 MB`, `812 B`: a size for table cells (1024-based, at most one decimal). */
export function shortSize(bytes: number): string {
  for (const [unit, size] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) {
    if (bytes >= size) {
      const amount = Math.round((bytes / size) * 10) / 10;
      return `${Number.isInteger(amount) ? amount : amount.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} B`;
}
