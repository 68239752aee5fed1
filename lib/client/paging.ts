/**
 * Listing every record with the fewest requests, and proving the pages fit together.
 *
 * Page 0 is read alone at the largest limit (1000): most instances fit in it, and its `count`
 * says how many more pages there are. The rest are read concurrently. Each later page starts one
 * record early, so consecutive pages overlap by exactly one record: if tasks were created or
 * deleted between two page reads, the overlap record differs (or a `count` differs, or an id
 * repeats) and the whole list is re-read. After the allowed re-reads it fails closed: the caller
 * never gets a silently mixed or incomplete list.
 */
import { mapWithConcurrency } from '../util/concurrency';
import { BigKeyTask, MAX_PAGE_LIMIT } from './types';

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

const STRIDE = MAX_PAGE_LIMIT - 1;

/** Offsets of the pages after the first, each overlapping its predecessor by one record. */
export function followingPageOffsets(count: number): number[] {
  const offsets: number[] = [];
  for (let offset = STRIDE; offset + 1 < count; offset += STRIDE) offsets.push(offset);
  return offsets;
}

export async function listAllPages(fetchPage: FetchPage, options: PagingOptions): Promise<PagedList> {
  let requests = 0;
  let reason = '';
  for (let attempt = 0; attempt <= options.rereads; attempt++) {
    const first = await fetchPage(0, MAX_PAGE_LIMIT);
    requests++;
    const offsets = followingPageOffsets(first.count);
    const rest = await mapWithConcurrency(offsets, options.concurrency, (offset) => fetchPage(offset, MAX_PAGE_LIMIT));
    requests += rest.length;
    const problem = checkPages(first, offsets, rest);
    if (problem === undefined) {
      return { count: first.count, records: sortNewestFirst(joinPages([first, ...rest])), requests, rereads: attempt };
    }
    reason = problem;
  }
  throw new InconsistentPagesError(reason, options.rereads + 1, requests);
}

/** Undefined when the pages form one consistent list; otherwise what does not fit. */
export function checkPages(first: Page, offsets: readonly number[], rest: readonly Page[]): string | undefined {
  const pages = [first, ...rest];
  const starts = [0, ...offsets];
  for (let i = 0; i < pages.length; i++) {
    if (pages[i].count !== first.count) return `count changed from ${first.count} to ${pages[i].count} between page reads`;
    const expected = Math.max(0, Math.min(MAX_PAGE_LIMIT, first.count - starts[i]));
    if (pages[i].records.length !== expected) {
      return `the page at offset ${starts[i]} has ${pages[i].records.length} records where count ${first.count} implies ${expected}`;
    }
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
  return [...records].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
