/**
 * Durations as people write them in configuration, with one exact grammar:
 *
 *   duration := segment { segment }     no spaces, signs or decimals
 *   segment  := digits unit
 *   unit     := w | d | h | m | s       7 days, 24 hours, 60 minutes, 60 seconds, 1 second;
 *                                       largest first, each unit at most once
 *
 * so `90m`, `36h`, `7d`, `1d12h`, `60s` and `1w` are durations, and `1d1d`, `12h1d`, `1.5h`,
 * `7 d` and ` 7d` are not. Where a number is allowed (props, fleet files), it is milliseconds
 * and must be a safe integer. Every duration is bounded: at least 1 s and at most 10 years
 * (3650 d). Anything else is a DcsConfigError naming the value: a policy must never be
 * silently disabled by a duration that overflowed to Infinity.
 */
import { DcsConfigError } from '../client/errors';
import { show } from '../client/validation';

/** Units, largest first: the order the grammar requires. */
const UNITS = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const;
const GRAMMAR = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export const MIN_DURATION_MS = 1000;
export const MAX_DURATION_MS = 3650 * 86_400_000;

export type Duration = number | string;

const EXAMPLES = 'a duration such as 90m, 36h, 7d, 1d12h or 1w (digits and a unit w, d, h, m or s; units largest first, each at most once; no spaces)';

/**
 * Milliseconds of a duration. `milliseconds: false` refuses numbers (command-line flags, where a
 * bare number is more likely a forgotten unit than milliseconds).
 */
export function parseDuration(value: unknown, name = 'duration', options: { readonly milliseconds?: boolean } = {}): number {
  const numbers = options.milliseconds !== false;
  const expected = numbers ? `${EXAMPLES}, or whole milliseconds` : EXAMPLES;
  let ms: number | undefined;
  if (typeof value === 'number' && numbers) ms = value;
  else if (typeof value === 'string') ms = textToMs(value);
  if (ms === undefined) throw new DcsConfigError(`invalid ${name} ${show(value)}: expected ${expected}`);
  if (!Number.isInteger(ms) && !(ms === Number.POSITIVE_INFINITY && typeof value === 'string')) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: milliseconds must be a whole number from ${MIN_DURATION_MS} to ${MAX_DURATION_MS} (1s to 3650d)`);
  }
  // The upper bound is far below 2^53, so what passes it is a safe integer.
  if (!(ms >= MIN_DURATION_MS && ms <= MAX_DURATION_MS)) {
    throw new DcsConfigError(`invalid ${name} ${show(value)}: a duration must be from 1s to 3650d (10 years)`);
  }
  return ms;
}

/** Milliseconds of a text duration; undefined when it does not follow the grammar. May exceed the bounds. */
function textToMs(text: string): number | undefined {
  const m = GRAMMAR.exec(text);
  if (!m || text === '') return undefined;
  let total = 0;
  UNITS.forEach(([, size], i) => {
    const digits = m[i + 1]?.replace(/^0+(?=\d)/, '');
    // More than 15 digits is beyond any bound (and beyond exact arithmetic): out of range, not rounded.
    if (digits !== undefined) total += digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits) * size;
  });
  return total;
}

/**
 * The canonical text of a duration in the grammar above (`1d12h`, `2w`, `90s`): exact for whole
 * seconds, so `parseDuration(durationText(ms)) === ms`. Sub-second remainders are written as
 * `… +Nms` (not part of the grammar; only numbers can carry them).
 */
export function durationText(ms: number): string {
  let rest = Math.floor(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  const text = parts.join('') || '0s';
  return ms % 1000 === 0 ? text : `${text} +${ms % 1000}ms`;
}

/** `2d 3h`, `45m`, `12s`: the two largest units, for messages. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (unit === 's' && parts.length === 0)) parts.push(`${n}${unit}`);
  }
  return sign + parts.slice(0, 2).join(' ');
}
