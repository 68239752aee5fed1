/**
 * The README's "`deadlineMs`, 120 s by default", held by behaviour against the emulator process:
 * a client given no deadline fails at once, without retrying, on a 429 whose Retry-After (121 s)
 * ends past 120 s, and retries one whose Retry-After (1 s) ends well within it. Request counts
 * only: nothing here waits for more than the 1 s pause.
 */
import { DcsBigKeyClient, RetryEvent, TaskListing } from '../../lib/client/client';
import { DcsApiError, errorFacts } from '../../lib/client/errors';
import { EmulatorProcess } from '../../lib/emulator';
import { DEMO, demoClientOptions, startDemoEmulator } from '../support/emulator-fixture';

let emulator: EmulatorProcess;
beforeAll(async () => {
  emulator = await startDemoEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(async () => {
  await emulator.admin.clearFaults();
  await emulator.admin.resetStats();
});

/** Lists the demo instance once with a client that is given no deadline, throttled once with this Retry-After. */
async function listThrottledOnce(retryAfterS: number) {
  await emulator.admin.addFaults({ kind: 'throttle', instance_id: DEMO.instances.ordersCache, count: 1, retry_after_s: retryAfterS });
  const retries: RetryEvent[] = [];
  const client = new DcsBigKeyClient({ ...demoClientOptions(emulator), onRetry: (event) => retries.push(event) });
  try {
    const outcome: { listing?: TaskListing; error?: unknown } = await client.listAllBigKeyTasks(DEMO.instances.ordersCache).then(
      (listing) => ({ listing }),
      (error: unknown) => ({ error }),
    );
    return { ...outcome, retries, requests: (await emulator.admin.stats()).requests };
  } finally {
    await client.close();
  }
}

it('a Retry-After of 121 s ends past the default deadline: the 429 fails the lookup at once, after one request, not retried', async () => {
  const { error, retries, requests } = await listThrottledOnce(121);
  expect(error).toBeInstanceOf(DcsApiError);
  expect(errorFacts(error)).toMatchObject({ status: 429, errorCode: 'APIGW.0308', attempts: 1 });
  expect(retries).toEqual([]);
  expect(requests).toBe(1);
});

it('a Retry-After of 1 s ends well within the default deadline: the request is retried after it and succeeds', async () => {
  const { listing, error, retries, requests } = await listThrottledOnce(1);
  expect(error).toBeUndefined();
  expect(listing?.meta.requests).toBe(2);
  expect(requests).toBe(2);
  // The request's own retry: Retry-After is honoured in full, plus at most 10 % jitter.
  expect(retries[0]).toMatchObject({ reason: 'HTTP 429', throttled: true });
  expect(retries[0].delayMs).toBeGreaterThanOrEqual(1000);
  expect(retries[0].delayMs).toBeLessThanOrEqual(1100);
  // The rate control pauses for the same Retry-After; when the retry's timer ends a moment before
  // that pause, the rest of the pause is reported as a wait of its own (seen: 0.3 ms).
  expect(retries.length).toBeLessThanOrEqual(2);
  for (const wait of retries.slice(1)) {
    expect(wait).toMatchObject({ reason: 'HTTP 429', throttled: true });
    expect(wait.delayMs).toBeLessThanOrEqual(100);
  }
});
