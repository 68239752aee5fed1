/**
 * Listing every record with the fewest requests, and proving the pages fit together.
 *
 * Page 0 is read alone at the largest limit (1000): most instances fit in it, and its `count`
 * says how many more pages there are. Page 0 is checked before anything else is fetched or
 * allocated: it may hold no more records than the limit and than `count`, it must be full when
 * `count` says there is more, and `count` must be within `maxTasks` — a server that lies about
 * `count` gets a MalformedPagesError after one request, not a million requests or an array the
 * size of its lie. The rest are read concurrently. Each later page starts one record early, so
 * consecutive pages overlap by exactly one record: if tasks were created or deleted between two
 * page reads, the overlap record differs (or a `count` differs, or an id repeats) and the whole
 * list is re-read; a page that does not fit stops the fetching of further pages at once. After
 * the allowed re-reads it fails closed: the caller never gets a silently mixed or incomplete list.
 *
 * When the last page is exactly full, one more record is asked for at offset `count`: it must not
 * exist (otherwise `count` under-reports the list).
 *
 * Requests are bounded: at most (rereads + 1) × (ceil(maxTasks / 999) + 2) in all.
 */
import { mapWithConcurrency } from '../util/concurrency';
import { DEFAULT_MAX_TASKS } from './limits';
import { BigKeyTask, MAX_PAGE_LIMIT, newestFirst } from './types';

export interface Page {
  readonly count: number;
  readonly records: readonly BigKeyTask[];
}

export type FetchPage = (offset: number, limit: number) => Promise<Page>;

export interface PagingOptions {
  /** Pages in flight at once after the first. */
  readonly concurrency: number;
  /** Whole re-reads allowed when the pages do not fit together. */
  readonly rereads: number;
  /** Most tasks read for one instance; a larger `count` is refused. @default DEFAULT_MAX_TASKS */
  readonly maxTasks?: number;
}


export interface PagedList {
  readonly count: number;
  /** Newest first by created_at, then by id. */
  readonly records: BigKeyTask[];
  readonly requests: number;
  readonly rereads: number;
}

export class InconsistentPagesError extends Error {
  constructor(
    readonly reason: string,
    readonly attempts: number,
    readonly requests: number,
  ) {
    super(reason);
  }
}

/** A page that breaks the API contract by itself (not a list changing while paged): never re-read. */
export class MalformedPagesError extends Error {
  constructor(
    readonly problem: string,
    readonly requests: number,
    /** True when the body was well-formed but more than `maxTasks` (a limit of this client, not a server fault). */
    readonly overLimit = false,
  ) {
    super(problem);
  }
}

const STRIDE = MAX_PAGE_LIMIT - 1;

/** Offsets of the pages after the first, each overlapping its predecessor by one record. */
export function followingPageOffsets(count: number): number[] {
  const offsets: number[] = [];
  for (let offset = STRIDE; offset + 1 < count; offset += STRIDE) offsets.push(offset);
  return offsets;
}

/** Records a page at `offset` must hold when the list has `count` records. */
function expectedLength(count: number, offset: number): number {
  return Math.max(0, Math.min(MAX_PAGE_LIMIT, count - offset));
}

/** What is wrong with page 0 by itself, before its `count` is trusted for anything. */
export function firstPageProblem(first: Page, maxTasks: number): { problem: string; overLimit?: boolean } | undefined {
  const n = first.records.length;
  if (n > MAX_PAGE_LIMIT) return { problem: `the first page has ${n} records, more than the limit of ${MAX_PAGE_LIMIT} asked for` };
  if (n > first.count) return { problem: `the first page has ${n} records, more than its count of ${first.count}` };
  if (first.count > MAX_PAGE_LIMIT && n < MAX_PAGE_LIMIT) {
    return { problem: `count is ${first.count} but the first page has only ${n} records (a page of ${MAX_PAGE_LIMIT} was asked for)` };
  }
  if (first.count > maxTasks) {
    return { problem: `count is ${first.count}, more than the ${maxTasks} tasks this client reads for one instance (maxTasks, DCS_BIGKEY_MAX_TASKS)`, overLimit: true };
  }
  return undefined;
}

export async function listAllPages(fetchPage: FetchPage, options: PagingOptions): Promise<PagedList> {
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  let requests = 0;
  let reason = '';
  for (let attempt = 0; attempt <= options.rereads; attempt++) {
    const first = await fetchPage(0, MAX_PAGE_LIMIT);
    requests++;
    const bad = firstPageProblem(first, maxTasks);
    if (bad) throw new MalformedPagesError(bad.problem, requests, bad.overLimit);
    const offsets = followingPageOffsets(first.count);
    let rest: Page[];
    try {
      rest = await mapWithConcurrency(offsets, options.concurrency, async (offset) => {
        const page = await fetchPage(offset, MAX_PAGE_LIMIT);
        requests++;
        if (page.records.length > MAX_PAGE_LIMIT) throw new MalformedPagesError(`the page at offset ${offset} has ${page.records.length} records, more than the limit of ${MAX_PAGE_LIMIT} asked for`, requests);
        // A page that cannot fit stops the fetching of the rest at once (then the whole list is re-read).
        const problem = pageProblem(first.count, offset, page);
        if (problem !== undefined) throw new InconsistentPagesError(problem, attempt + 1, requests);
        return page;
      });
    } catch (error) {
      if (!(error instanceof InconsistentPagesError)) throw error;
      reason = error.reason;
      continue;
    }
    let problem = checkPages(first, offsets, rest);
    if (problem === undefined && expectedLength(first.count, offsets.at(-1) ?? 0) === MAX_PAGE_LIMIT) {
      // The last page is exactly full: only one more read proves that nothing lies beyond `count`.
      const beyond = await fetchPage(first.count, 1);
      requests++;
      if (beyond.count !== first.count) problem = `count changed from ${first.count} to ${beyond.count} between page reads`;
      else if (beyond.records.length > 0) throw new MalformedPagesError(`count is ${first.count} but there are records at offset ${first.count}`, requests);
    }
    if (problem === undefined) {
      return { count: first.count, records: sortNewestFirst(joinPages([first, ...rest])), requests, rereads: attempt };
    }
    reason = problem;
  }
  throw new InconsistentPagesError(reason, options.rereads + 1, requests);
}

/** What makes one page disagree with the first page's `count`, or undefined. */
function pageProblem(count: number, offset: number, page: Page): string | undefined {
  if (page.count !== count) return `count changed from ${count} to ${page.count} between page reads`;
  const expected = expectedLength(count, offset);
  if (page.records.length !== expected) return `the page at offset ${offset} has ${page.records.length} records where count ${count} implies ${expected}`;
  return undefined;
}

/** Undefined when the pages form one consistent list; otherwise what does not fit. */
export function checkPages(first: Page, offsets: readonly number[], rest: readonly Page[]): string | undefined {
  const pages = [first, ...rest];
  const starts = [0, ...offsets];
  for (let i = 0; i < pages.length; i++) {
    const problem = pageProblem(first.count, starts[i], pages[i]);
    if (problem !== undefined) return problem;
    if (i > 0) {
      const before = pages[i - 1].records[pages[i - 1].records.length - 1];
      const overlap = pages[i].records[0];
      if (before?.id !== overlap?.id) {
        return `the list shifted between page reads (record ${starts[i]} was ${before?.id} and then ${overlap?.id})`;
      }
    }
  }
  const ids = new Set<string>();
  for (const record of joinPages(pages)) {
    if (ids.has(record.id)) return `task ${record.id} appears twice`;
    ids.add(record.id);
  }
  if (ids.size !== first.count) return `${ids.size} distinct tasks read where count is ${first.count}`;
  return undefined;
}

/** Concatenates pages, dropping the one-record overlap at each join. */
function joinPages(pages: readonly Page[]): BigKeyTask[] {
  return pages.flatMap((page, i) => (i === 0 ? [...page.records] : page.records.slice(1)));
}

export function sortNewestFirst(records: readonly BigKeyTask[]): BigKeyTask[] {
  return [...records].sort(newestFirst);
}
