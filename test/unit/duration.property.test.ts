/**
 * The duration grammar, for every input (fast-check): what parses is exactly the grammar,
 * within the bounds, and the canonical text round-trips.
 */
import fc from 'fast-check';
import { DcsConfigError } from '../../lib/client/errors';
import { durationText, MAX_DURATION_MS, MIN_DURATION_MS, parseDuration } from '../../lib/policy/duration';

const UNITS = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const;

/** A text in the grammar: for each unit, largest first, optionally `<n><unit>`; at least one. */
const grammatical = fc
  .tuple(...UNITS.map(() => fc.option(fc.bigInt({ min: 0n, max: 10n ** 20n }), { nil: undefined })))
  .filter((parts) => parts.some((n) => n !== undefined))
  .map((parts) => ({
    text: parts.map((n, i) => (n === undefined ? '' : `${n}${UNITS[i][0]}`)).join(''),
    ms: parts.reduce<bigint>((sum, n, i) => sum + (n ?? 0n) * BigInt(UNITS[i][1]), 0n),
  }));

function outcome(value: unknown): number | 'refused' {
  try {
    return parseDuration(value, 'x');
  } catch (error) {
    expect(error).toBeInstanceOf(DcsConfigError);
    expect((error as Error).message).toMatch(/^invalid x /);
    return 'refused';
  }
}

describe('parseDuration (property-based)', () => {
  it('a grammatical text is its exact sum when within 1s..3650d, and refused otherwise (never Infinity, never rounded)', () => {
    fc.assert(
      fc.property(grammatical, ({ text, ms }) => {
        const inBounds = ms >= BigInt(MIN_DURATION_MS) && ms <= BigInt(MAX_DURATION_MS);
        expect(outcome(text)).toBe(inBounds ? Number(ms) : 'refused');
      }),
      { numRuns: 2000 },
    );
  });

  it('every result is a safe integer within the bounds, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.anything()), (value) => {
        const result = outcome(value);
        if (result !== 'refused') {
          expect(Number.isSafeInteger(result)).toBe(true);
          expect(result).toBeGreaterThanOrEqual(MIN_DURATION_MS);
          expect(result).toBeLessThanOrEqual(MAX_DURATION_MS);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('text off the grammar is refused: units out of order or repeated, decimals, signs, spaces', () => {
    const segment = fc.tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom('w', 'd', 'h', 'm', 's'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 2, maxLength: 5 }), (segments) => {
        const order = segments.map(([, unit]) => 'wdhms'.indexOf(unit));
        const descending = order.every((o, i) => i === 0 || o > order[i - 1]);
        const text = segments.map(([n, unit]) => `${n}${unit}`).join('');
        if (!descending) expect(outcome(text)).toBe('refused');
      }),
    );
    fc.assert(
      fc.property(grammatical, fc.constantFrom(' ', '\t', '-', '+', '.5', ' x'), fc.nat(), ({ text }, junk, at) => {
        const i = at % (text.length + 1);
        expect(outcome(text.slice(0, i) + junk + text.slice(i))).toBe('refused');
      }),
    );
  });

  it('numbers are milliseconds: safe integers within the bounds, the rest refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e6, max: MAX_DURATION_MS + 1e6 }), fc.double({ noNaN: false })), (n) => {
        const ok = Number.isSafeInteger(n) && n >= MIN_DURATION_MS && n <= MAX_DURATION_MS;
        expect(outcome(n)).toBe(ok ? n : 'refused');
      }),
      { numRuns: 2000 },
    );
  });

  it('round trip: the canonical text of every whole-second duration parses back to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_DURATION_MS / 1000, max: MAX_DURATION_MS / 1000 }), (seconds) => {
        const ms = seconds * 1000;
        const text = durationText(ms);
        expect(text).toMatch(/^(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/);
        expect(parseDuration(text)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
    // Texts within the bounds: each unit's number small enough that the sum is mostly under 3650d.
    const bounded = fc.tuple(fc.option(fc.nat(300)), fc.option(fc.nat(1400)), fc.option(fc.nat(30_000)), fc.option(fc.nat(100_000)), fc.option(fc.nat(1_000_000)));
    fc.assert(
      fc.property(bounded, (parts) => {
        const text = parts.map((n, i) => (n === null ? '' : `${n}${UNITS[i][0]}`)).join('');
        const ms = parts.reduce<number>((sum, n, i) => sum + (n ?? 0) * UNITS[i][1], 0);
        fc.pre(ms >= MIN_DURATION_MS && ms <= MAX_DURATION_MS);
        expect(parseDuration(text)).toBe(ms);
        expect(parseDuration(durationText(parseDuration(text)))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
    expect([durationText(36 * 3_600_000), durationText(14 * 86_400_000), durationText(60_000), durationText(1500)]).toEqual(['1d12h', '2w', '1m', '1s +500ms']);
  });
});
