/**
 * Durations as people write them in configuration: `90m`, `36h`, `7d`, `1d12h`, or milliseconds.
 */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export type Duration = number | string;

export function parseDuration(value: Duration, name = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
  } else if (typeof value === 'string' && /^(\d+[smhdw])+$/.test(value.trim())) {
    let total = 0;
    for (const [, n, unit] of value.trim().matchAll(/(\d+)([smhdw])/g)) total += Number(n) * UNIT_MS[unit];
    if (total > 0) return total;
  }
  throw new RangeError(`invalid ${name} ${JSON.stringify(value)}: expected a positive duration such as 90m, 36h, 7d or 1d12h (or milliseconds)`);
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
