/**
 * Paging against generated server behaviours (fast-check): lists that shift between page reads
 * (tasks created at the front, deleted anywhere), counts that lie (a little, a lot, 1e15, on
 * some pages only), short pages, duplicated records, pages longer than asked.
 *
 * Two properties, each within a bounded number of requests and with only typed errors
 * (InconsistentPagesError, MalformedPagesError):
 *   - an honest server whose list shifts: the result is exactly the list it held at some moment;
 *   - any server, lying or not: a returned list agrees with every answer the server gave while
 *     it was read (so answers that contradict each other always end in an error). A server that
 *     lies consistently — say count 2 and two records when it holds three — presents a smaller
 *     list no client can tell from a real one; what the client guarantees is that it never mixes,
 *     drops or invents anything the server said.
 */
import fc from 'fast-check';
import { InconsistentPagesError, listAllPages, MalformedPagesError, Page } from '../../lib/client/paging';
import { BigKeyTask } from '../../lib/client/types';

const BASE = Date.UTC(2026, 0, 1);

function task(n: number): BigKeyTask {
  return { id: `t${String(n).padStart(6, '0')}`, status: 'success', scan_type: n % 2 ? 'auto' : 'manual', created_at: new Date(BASE + n * 60_000).toISOString() };
}

/** Which requests a lie applies to: all, only page 0, or only the later ones. */
const which = fc.constantFrom('all', 'first', 'rest') as fc.Arbitrary<'all' | 'first' | 'rest'>;

const behaviour = fc.record({
  size: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 990, max: 1010 }), fc.integer({ min: 1990, max: 2010 }), fc.integer({ min: 0, max: 3500 })),
  /** Before the k-th request (k from 0), create a task at the front and/or delete one. */
  changes: fc.array(fc.record({ before: fc.integer({ min: 0, max: 8 }), create: fc.boolean(), deleteAt: fc.option(fc.nat(), { nil: undefined }) }), { maxLength: 3 }),
  countLie: fc.option(fc.record({ delta: fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.constant(1e15), fc.constant(999), fc.constant(-999), fc.constant(1000)), on: which }), { nil: undefined }),
  short: fc.option(fc.record({ drop: fc.integer({ min: 1, max: 999 }), on: which }), { nil: undefined }),
  duplicate: fc.option(which, { nil: undefined }),
  overlong: fc.option(fc.record({ extra: fc.integer({ min: 1, max: 5 }), on: which }), { nil: undefined }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  maxTasks: fc.constantFrom(100_000, 2500, 1000),
});

type Behaviour = typeof behaviour extends fc.Arbitrary<infer T> ? T : never;

/** The rogue server: a list that changes as scheduled, served with the scheduled lies. */
function rogueServer(b: Behaviour) {
  let next = b.size;
  let list = Array.from({ length: b.size }, (_, i) => task(b.size - 1 - i)); // newest first
  const states: BigKeyTask[][] = [list];
  let requests = 0;
  let attempts = 0;
  /** Every answer, with the attempt (page-0 read) it belongs to. */
  const answers: { attempt: number; offset: number; limit: number; page: Page }[] = [];
  const applies = (on: 'all' | 'first' | 'rest' | undefined, offset: number) => on === 'all' || (on === 'first' && offset === 0) || (on === 'rest' && offset > 0);
  const fetchPage = async (offset: number, limit: number): Promise<Page> => {
    const k = requests++;
    // Each attempt starts with the only read at offset 0 (the read past a full last page is at offset count >= 1000).
    const attempt = offset === 0 ? ++attempts : attempts;
    for (const change of b.changes.filter((c) => c.before === k)) {
      if (change.create) list = [task(next++), ...list];
      if (change.deleteAt !== undefined && list.length > 0) list = list.filter((_, i) => i !== change.deleteAt! % list.length);
      states.push(list);
    }
    await new Promise((resolve) => setImmediate(resolve));
    let records = list.slice(offset, offset + limit);
    let count = list.length;
    if (b.countLie && applies(b.countLie.on, offset)) count = Math.max(0, count + b.countLie.delta);
    if (b.short && applies(b.short.on, offset)) records = records.slice(0, Math.max(0, records.length - b.short.drop));
    if (b.duplicate && applies(b.duplicate, offset) && records.length > 1) records = [...records.slice(0, -1), records[0]];
    if (b.overlong && applies(b.overlong.on, offset)) records = [...records, ...Array.from({ length: b.overlong.extra }, (_, i) => task(1_000_000 + i))];
    answers.push({ attempt, offset, limit, page: { count, records } });
    return { count, records };
  };
  return { fetchPage, states, answers, attempts: () => attempts, requests: () => requests };
}

const honest = (b: Behaviour) => !b.countLie && !b.short && !b.duplicate && !b.overlong;

async function outcomeOf(b: Behaviour, server: ReturnType<typeof rogueServer>, rereads: number): Promise<{ records: BigKeyTask[]; count: number } | Error> {
  try {
    return await listAllPages(server.fetchPage, { concurrency: b.concurrency, rereads, maxTasks: b.maxTasks });
  } catch (error) {
    expect(error instanceof InconsistentPagesError || error instanceof MalformedPagesError).toBe(true);
    return error as Error;
  }
}

/** The most requests a listing may make: every attempt reads all pages within maxTasks and one record past them. */
const bound = (maxTasks: number, rereads: number) => (rereads + 1) * (Math.ceil(maxTasks / 999) + 2);

describe('listAllPages over generated server behaviours (property-based)', () => {
  it('an honest server whose list shifts between reads: exactly a list it held, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(behaviour.map((b) => ({ ...b, countLie: undefined, short: undefined, duplicate: undefined, overlong: undefined })), async (b) => {
        const server = rogueServer(b);
        const outcome = await outcomeOf(b, server, 2);
        expect(server.requests()).toBeLessThanOrEqual(bound(b.maxTasks, 2));
        if (outcome instanceof Error) return;
        const ids = outcome.records.map((t) => t.id);
        expect(server.states.some((state) => state.length === ids.length && state.every((t, i) => t.id === ids[i]))).toBe(true);
        expect(outcome.count).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });

  it('any server, lying or not: a returned list agrees with every answer of the read that produced it', async () => {
    await fc.assert(
      fc.asyncProperty(behaviour, async (b) => {
        const server = rogueServer(b);
        const outcome = await outcomeOf(b, server, 2);
        expect(server.requests()).toBeLessThanOrEqual(bound(b.maxTasks, 2));
        if (outcome instanceof Error) return;
        const ids = outcome.records.map((t) => t.id);
        expect(outcome.count).toBe(ids.length);
        expect(ids.length).toBeLessThanOrEqual(b.maxTasks);
        expect(new Set(ids).size).toBe(ids.length);
        // Nothing lost, nothing invented, nothing twice: exactly the records of that read's answers,
        // as many as every answer's count said (the client orders them newest first).
        const read = server.answers.filter((a) => a.attempt === server.attempts());
        for (const { page } of read) expect(page.count).toBe(ids.length);
        expect([...new Set(read.flatMap((a) => a.page.records.map((t) => t.id)))].sort()).toEqual([...ids].sort());
        if (honest(b)) expect(server.states.some((state) => state.length === ids.length && state.every((t, i) => t.id === ids[i]))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('answers that contradict each other always end in a typed error', async () => {
    // Count lies on some pages only, records beyond the limit, duplicates, pages cut short in a
    // list of several pages: no single list agrees with all of them.
    const quiet = behaviour.map((b) => ({ ...b, changes: [], countLie: undefined, short: undefined, duplicate: undefined, overlong: undefined }));
    const contradicting = fc.oneof(
      quiet.filter((b) => b.size > 1001).map((b) => ({ ...b, countLie: { delta: 7, on: 'rest' as const } })),
      quiet.map((b) => ({ ...b, overlong: { extra: 1, on: 'all' as const } })),
      quiet.filter((b) => b.size > 2).map((b) => ({ ...b, duplicate: 'all' as const })),
      quiet.filter((b) => b.size > 1001).map((b) => ({ ...b, short: { drop: 5, on: 'rest' as const } })),
    );
    await fc.assert(
      fc.asyncProperty(contradicting, async (b) => {
        const server = rogueServer(b);
        expect(await outcomeOf(b, server, 2)).toBeInstanceOf(Error);
        expect(server.requests()).toBeLessThanOrEqual(bound(b.maxTasks, 2));
      }),
      { numRuns: 200 },
    );
  });

  it('an honest, quiet server gets its exact list (or the maxTasks refusal), never an error of its own making', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom(100_000, 3000), async (size, concurrency, maxTasks) => {
        const server = rogueServer({ size, changes: [], concurrency, maxTasks } as unknown as Behaviour);
        const run = listAllPages(server.fetchPage, { concurrency, rereads: 2, maxTasks });
        if (size > maxTasks) {
          await expect(run).rejects.toBeInstanceOf(MalformedPagesError);
          expect(server.requests()).toBe(1);
          return;
        }
        const result = await run;
        expect(result.records.map((t) => t.id)).toEqual(server.states[0].map((t) => t.id));
        expect(result.rereads).toBe(0);
        // The fewest requests: ceil((size - 1) / 999) pages, plus one record past an exactly full last page.
        const pages = size <= 1000 ? 1 : 1 + Math.ceil((size - 1000) / 999);
        const full = size >= 1000 && (size - 1) % 999 === 0;
        expect(server.requests()).toBe(pages + (full ? 1 : 0));
      }),
      { numRuns: 200 },
    );
  });

  it('a count of 1e15 or past maxTasks is refused after the first request, before anything is allocated for it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.oneof(fc.constant(1e15), fc.integer({ min: 100_001, max: Number.MAX_SAFE_INTEGER })), async (size, count) => {
        let requests = 0;
        const records = Array.from({ length: Math.min(size, 1000) }, (_, i) => task(i));
        const run = listAllPages(async () => (requests++, { count, records }), { concurrency: 8, rereads: 2 });
        await expect(run).rejects.toBeInstanceOf(MalformedPagesError);
        expect(requests).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
