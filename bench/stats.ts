/** Figures over repeated runs, for every bench: medians and quantiles of measured values. */

/** The q-quantile (0..1) of xs, linearly interpolated between the two nearest values. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}
