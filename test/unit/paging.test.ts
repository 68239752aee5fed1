import { checkPages, followingPageOffsets, listAllPages, Page, InconsistentPagesError } from '../../lib/client/paging';
import { BigKeyTask } from '../../lib/client/types';

function tasks(n: number, prefix = 't'): BigKeyTask[] {
  // index 0 is the newest
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${String(i).padStart(5, '0')}`,
    status: 'success' as const,
    scan_type: i % 2 ? ('auto' as const) : ('manual' as const),
    created_at: new Date(Date.UTC(2026, 0, 1) + (n - i) * 60_000).toISOString(),
  }));
}

function server(list: BigKeyTask[]) {
  const calls: Array<[number, number]> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchPage = async (offset: number, limit: number): Promise<Page> => {
    calls.push([offset, limit]);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    return { count: list.length, records: list.slice(offset, offset + limit) };
  };
  return { fetchPage, calls, maxInFlight: () => maxInFlight };
}

describe('paging plan', () => {
  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 2],
    [1001, 2],
    [1998, 2],
    [1999, 3],
    [2537, 3],
    [5000, 6],
  ])('reads %i tasks in %i requests', async (n, expected) => {
    const list = tasks(n);
    const s = server(list);
    const result = await listAllPages(s.fetchPage, { concurrency: 8, rereads: 2 });
    expect(result.requests).toBe(expected);
    expect(s.calls).toHaveLength(expected);
    expect(result.count).toBe(n);
    expect(result.records.map((t) => t.id)).toEqual(list.map((t) => t.id));
    // Pages of 1000; when the last page is exactly full, one record beyond `count` is asked for.
    const full = n >= 1000 && (n - 1) % 999 === 0;
    expect(s.calls.filter(([, limit]) => limit === 1000)).toHaveLength(full ? expected - 1 : expected);
    if (full) expect(s.calls.at(-1)).toEqual([n, 1]);
  });

  it('overlaps consecutive pages by exactly one record', () => {
    expect(followingPageOffsets(1000)).toEqual([]);
    expect(followingPageOffsets(1001)).toEqual([999]);
    expect(followingPageOffsets(2537)).toEqual([999, 1998]);
  });

  it('bounds the pages in flight', async () => {
    const s = server(tasks(20_000));
    await listAllPages(s.fetchPage, { concurrency: 3, rereads: 0 });
    expect(s.maxInFlight()).toBe(3);
  });

  it('sorts newest first by created_at whatever order the pages come in', async () => {
    const list = tasks(5).reverse();
    const s = server(list);
    const result = await listAllPages(s.fetchPage, { concurrency: 1, rereads: 0 });
    expect(result.records.map((t) => t.id)).toEqual(['t00000', 't00001', 't00002', 't00003', 't00004']);
  });
});

describe('consistency while paging', () => {
  it('re-reads when a task is created between page reads and returns the consistent list', async () => {
    let list = tasks(1500);
    let reads = 0;
    const fetchPage = async (offset: number, limit: number): Promise<Page> => {
      const page = { count: list.length, records: list.slice(offset, offset + limit) };
      if (++reads === 1) list = [{ ...tasks(1, 'new')[0], created_at: '2027-01-01T00:00:00.000Z' }, ...list];
      return page;
    };
    const result = await listAllPages(fetchPage, { concurrency: 4, rereads: 2 });
    expect(result.rereads).toBe(1);
    expect(result.count).toBe(1501);
    expect(result.records[0].id).toBe('new00000');
    expect(new Set(result.records.map((t) => t.id)).size).toBe(1501);
  });

  it('detects a create plus a delete that keep count the same', async () => {
    const original = tasks(2500);
    // page 0 read before the change; later pages after: one task created at the front and one
    // deleted beyond the first page, so count is unchanged but one record would be lost.
    const changed = [{ ...tasks(1, 'new')[0], created_at: '2027-01-01T00:00:00.000Z' }, ...original.slice(0, 1500), ...original.slice(1501)];
    expect(changed).toHaveLength(2500);
    const first: Page = { count: 2500, records: original.slice(0, 1000) };
    const offsets = followingPageOffsets(2500);
    const rest = offsets.map((o) => ({ count: 2500, records: changed.slice(o, o + 1000) }));
    expect(checkPages(first, offsets, rest)).toMatch(/shifted/);
  });

  it('detects a count change, a duplicate and a short page', () => {
    const list = tasks(1500);
    const first: Page = { count: 1500, records: list.slice(0, 1000) };
    expect(checkPages(first, [999], [{ count: 1501, records: list.slice(999) }])).toMatch(/count changed from 1500 to 1501/);
    expect(checkPages(first, [999], [{ count: 1500, records: list.slice(999, 1400) }])).toMatch(/has 401 records where count 1500 implies 501/);
    const dup = [...list.slice(999, 1499), list[5]];
    expect(checkPages(first, [999], [{ count: 1500, records: dup }])).toMatch(/appears twice/);
    expect(checkPages({ count: 3, records: list.slice(0, 2) }, [], [])).toMatch(/has 2 records where count 3 implies 3/);
  });

  it('fails closed when the list keeps changing', async () => {
    let list = tasks(1200);
    let n = 0;
    const fetchPage = async (offset: number, limit: number): Promise<Page> => {
      const page = { count: list.length, records: list.slice(offset, offset + limit) };
      list = [{ ...tasks(1, `x${n++}-`)[0], created_at: `2027-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z` }, ...list];
      return page;
    };
    const error = await listAllPages(fetchPage, { concurrency: 2, rereads: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(InconsistentPagesError);
    expect(error.attempts).toBe(3);
    expect(error.requests).toBe(6);
  });
});
