/**
 * The bound on lookups in flight for work that arrives over time (the synth-time lookups, sent
 * to the worker as constructs register them): never more than the limit at once, the limit
 * reached when there is enough work, arrival order kept, and a failing call frees its slot.
 */
import { concurrencyLimit } from '../../lib/util/concurrency';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Delays of 1 to 4 event-loop turns from a fixed seed: varied, and the same on every run. */
function delays(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => 1 + (((x = (x * 1103515245 + 12345) % 2 ** 31) >>> 16) % 4));
}

it.each([1, 2, 3, 6])('with limit %i: at most that many at once, the limit reached, waiting calls started in arrival order', async (limit) => {
  for (const seed of [1, 7, 42]) {
    const work = delays(seed, 25);
    const run = concurrencyLimit(limit);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const calls = work.map((delay, i) =>
      run(async () => {
        started.push(i);
        active++;
        most = Math.max(most, active);
        for (let t = 0; t < delay; t++) await tick();
        active--;
        return i;
      }),
    );
    expect(await Promise.all(calls)).toEqual(work.map((_, i) => i));
    expect(most).toBe(limit);
    expect(started).toEqual(work.map((_, i) => i));
  }
});

it('a rejected call frees its slot for the next one', async () => {
  const run = concurrencyLimit(1);
  const failing = run(async () => {
    throw new Error('boom');
  });
  const next = run(async () => 'next ran');
  await expect(failing).rejects.toThrow('boom');
  await expect(next).resolves.toBe('next ran');
});

it('rejects a limit that is not an integer >= 1', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => concurrencyLimit(bad)).toThrow(/concurrency must be an integer >= 1/);
});
