/**
 * Listing benchmark: all tasks of instances with 10, 1,000 and 5,000 tasks through the emulator
 * with 20 ms injected latency on every request, measured in one run for
 *   - ours: DcsBigKeyClient.listAllBigKeyTasks (page 0 at limit 1000, the rest concurrently,
 *     one-record overlaps checked for consistency);
 *   - the physical limit: the minimum number of requests (ceil(n / 1000)), at most two round
 *     trips deep (page 0, then every other page at once), no checks;
 *   - the Terraform provider's strategy: the server default page size (10), one page after
 *     another, until an empty page.
 *
 *   node --import tsx bench/listing.ts
 */
import { request } from 'undici';
import { DcsBigKeyClient } from '../lib/client/client';
import { createDispatcher } from '../lib/client/transport';
import { DEMO, EmulatorProcess, spawnEmulator } from '../lib/emulator';
import { median } from './stats';

export interface ListingRow {
  readonly tasks: number;
  readonly oursRequests: number;
  readonly oursMs: number;
  readonly limitRequests: number;
  readonly limitMs: number;
  readonly providerRequests: number;
  readonly providerMs: number;
}

const SIZES = [10, 1000, 5000];
const REPEATS = 3;
const instanceFor = (n: number) => `be0c4001-0000-4000-8000-${String(n).padStart(12, '0')}`;

type Strategy = (emulator: EmulatorProcess, instanceId: string) => Promise<number>;

/** Ours: the library's listing. Returns requests made. */
const ours: Strategy = async (emulator, instanceId) => {
  const client = new DcsBigKeyClient({ endpoint: emulator.url, projectId: DEMO.projectId, accessKey: DEMO.accessKey, secretKey: DEMO.secretKey, env: {} });
  try {
    return (await client.listAllBigKeyTasks(instanceId)).meta.requests;
  } finally {
    await client.close();
  }
};

/** Signed GET of one page with a bare dispatcher (no retry, no checks). */
async function page(dispatcher: ReturnType<typeof createDispatcher>, url: string, instanceId: string, query: string) {
  const res = await request(`${url}/v2/${DEMO.projectId}/instances/${instanceId}/bigkey-tasks${query}`, { dispatcher });
  return (await res.body.json()) as { count: number; records: unknown[] };
}

function bareDispatcher() {
  return createDispatcher({ credentials: { accessKey: DEMO.accessKey, secretKey: DEMO.secretKey }, projectId: DEMO.projectId });
}

/** The physical limit: ceil(n/1000) requests, page 0 then all others at once. */
const limit: Strategy = async (emulator, instanceId) => {
  const d = bareDispatcher();
  try {
    const first = await page(d, emulator.url, instanceId, '?offset=0&limit=1000');
    const offsets: number[] = [];
    for (let o = 1000; o < first.count; o += 1000) offsets.push(o);
    await Promise.all(offsets.map((o) => page(d, emulator.url, instanceId, `?offset=${o}&limit=1000`)));
    return 1 + offsets.length;
  } finally {
    await d.close();
  }
};

/** The Terraform provider: default page size, sequential, until an empty page. */
const provider: Strategy = async (emulator, instanceId) => {
  const d = bareDispatcher();
  try {
    let requests = 0;
    for (let offset = 0; ; offset += 10) {
      const p = await page(d, emulator.url, instanceId, offset === 0 ? '' : `?offset=${offset}`);
      requests++;
      if (p.records.length === 0) return requests;
    }
  } finally {
    await d.close();
  }
};

async function measure(strategy: Strategy, emulator: EmulatorProcess, instanceId: string): Promise<{ requests: number; ms: number }> {
  const times: number[] = [];
  let requests = 0;
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    requests = await strategy(emulator, instanceId);
    times.push(performance.now() - started);
  }
  return { requests, ms: median(times) };
}

export async function runListingBench(latencyMs = 20): Promise<ListingRow[]> {
  const emulator = await spawnEmulator({ quiet: true });
  try {
    for (const n of SIZES) {
      await emulator.admin.putInstance(instanceFor(n), { project_id: DEMO.projectId, generate: { count: n, start: '2026-01-01T00:00:00.000Z', interval_seconds: 60, seed: `bench-${n}` } });
    }
    await emulator.admin.addFaults({ kind: 'latency', ms: latencyMs });
    const rows: ListingRow[] = [];
    for (const n of SIZES) {
      const id = instanceFor(n);
      await measure(limit, emulator, id); // warm the emulator's caches for this instance
      const o = await measure(ours, emulator, id);
      const l = await measure(limit, emulator, id);
      const p = await measure(provider, emulator, id);
      rows.push({ tasks: n, oursRequests: o.requests, oursMs: o.ms, limitRequests: l.requests, limitMs: l.ms, providerRequests: p.requests, providerMs: p.ms });
    }
    return rows;
  } finally {
    await emulator.stop();
  }
}

export function listingTable(rows: readonly ListingRow[], latencyMs = 20): string {
  const r = (x: number) => x.toFixed(2);
  return [
    `List all tasks, ${latencyMs} ms emulator latency per request, median of ${REPEATS} (ratios: ours / physical limit; provider / ours)`,
    '',
    '| tasks | ours: requests | ours: ms | limit: requests | limit: ms | provider strategy: requests | provider: ms | ours/limit requests | ours/limit time | provider/ours time |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((x) => `| ${x.tasks} | ${x.oursRequests} | ${x.oursMs.toFixed(0)} | ${x.limitRequests} | ${x.limitMs.toFixed(0)} | ${x.providerRequests} | ${x.providerMs.toFixed(0)} | ${r(x.oursRequests / x.limitRequests)} | ${r(x.oursMs / x.limitMs)} | ${r(x.providerMs / x.oursMs)} |`),
  ].join('\n');
}

if (require.main === module) {
  runListingBench().then((rows) => console.log(listingTable(rows)), (e) => { console.error(e); process.exitCode = 1; });
}

