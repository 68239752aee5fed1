/**
 * A replayed snapshot entry older than the configured maximum age (DCS_BIGKEY_SNAPSHOT_MAX_AGE or
 * context dcs-bigkey:snapshotMaxAge) is an error annotation (default) or a warning: gating on
 * stale data is visible, naming the instance, its age and the refresh command. No network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { Cdk, FRAMEWORKS } from '../support/frameworks';
import { newApp, synthApp } from '../support/synth';
import { DcsConfigError } from '../../lib/client/errors';
import { DcsBigKeyScanTasks } from '../../lib/construct/dcs-bigkey-scan-tasks';
import { resolveSnapshotMaxAge, snapshotStaleness, SnapshotEntry } from '../../lib/lookup/snapshot-file';

const PROJECT = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';
const OLD = '5560df16-cebf-4473-95c4-d1b573c16e79';
const FRESH = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const DAY = 86_400_000;
const record = { id: 'c37728fa-ef30-4bcb-8cd4-2b7f5a5ccb06', scan_type: 'auto', status: 'success', created_at: '2026-11-01T02:00:00.000Z', started_at: '2026-11-01T02:00:03.000Z', finished_at: '2026-11-01T02:01:47.000Z' };

function entry(instanceId: string, fetchedAt: Date): SnapshotEntry {
  return { project_id: PROJECT, instance_id: instanceId, status_filter: null, region: 'cn-north-4', endpoint: null, source: 'live', fetched_at: fetchedAt.toISOString(), count: 1, records: [record as SnapshotEntry['records'][number]] };
}

function snapshotFile(): string {
  const now = Date.now();
  const entries = { [`${PROJECT}/${OLD}`]: entry(OLD, new Date(now - 10 * DAY - 3 * 3_600_000)), [`${PROJECT}/${FRESH}`]: entry(FRESH, new Date(now - 3_600_000)) };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-maxage-')), 'dcs-bigkey.context.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, entries }));
  return file;
}

/** Replays both entries in one stack of the given framework (cdktf unless said) and returns its annotations. */
function synthAnnotations(context: Record<string, unknown>, cdk: Cdk = FRAMEWORKS[0][1]) {
  const app = newApp({ 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': snapshotFile(), ...context }, cdk);
  const stack = new cdk.TerraformStack(app, 'producer');
  const old = new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: OLD, projectId: PROJECT });
  new DcsBigKeyScanTasks(stack, 'sessions-cache', { instanceId: FRESH, projectId: PROJECT });
  return { old, annotations: synthApp(app).annotations.producer };
}

beforeAll(() => {
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
});
afterEach(() => {
  delete process.env.DCS_BIGKEY_SNAPSHOT_MAX_AGE;
  delete process.env.DCS_BIGKEY_SNAPSHOT_MAX_AGE_SEVERITY;
});

it.each(FRAMEWORKS)('an entry older than the maximum age is an error annotation naming the instance, its age and the refresh command (%s)', (_name, cdk) => {
  const { old, annotations } = synthAnnotations({ 'dcs-bigkey:snapshotMaxAge': '7d' }, cdk);
  expect(annotations).toEqual([
    expect.objectContaining({
      constructPath: 'producer/orders-cache',
      level: '@cdktf/error',
      message: expect.stringMatching(
        new RegExp(`^\\[snapshot-max-age\\] the snapshot entry for instance ${OLD} \\(project ${PROJECT}\\) was recorded 10d 3h ago \\(fetched_at .*\\), older than the maximum age 7d .* refresh it with \`npx dcs-bigkey snapshot refresh --instance-id ${OLD}\` and commit the file`),
      ),
    }),
  ]);
  // The data is still there to read (the annotation fails synth; app code keeps working).
  expect(old.latestAuto?.id).toBe(record.id);
  expect(old.staleSnapshot).toMatchObject({ severity: 'error' });
});

it('is a warning with severity "warning"; the environment wins over the context', () => {
  process.env.DCS_BIGKEY_SNAPSHOT_MAX_AGE = '1d';
  const { annotations } = synthAnnotations({ 'dcs-bigkey:snapshotMaxAge': '30d', 'dcs-bigkey:snapshotMaxAgeSeverity': 'warning' });
  expect(annotations.map((a) => [a.constructPath, a.level])).toEqual([['producer/orders-cache', '@cdktf/warn']]);
  expect(annotations[0].message).toContain('older than the maximum age 1d');
});

it('DCS_BIGKEY_SNAPSHOT_MAX_AGE_SEVERITY=warning makes it a warning, and wins over the context', () => {
  process.env.DCS_BIGKEY_SNAPSHOT_MAX_AGE_SEVERITY = 'warning';
  const { annotations } = synthAnnotations({ 'dcs-bigkey:snapshotMaxAge': '7d', 'dcs-bigkey:snapshotMaxAgeSeverity': 'error' });
  expect(annotations.map((a) => [a.constructPath, a.level])).toEqual([['producer/orders-cache', '@cdktf/warn']]);
  expect(annotations[0].message).toMatch(/^\[snapshot-max-age\] .* older than the maximum age 7d/);
});

it('no maximum age, or entries within it: nothing', () => {
  expect(synthAnnotations({}).annotations).toEqual([]);
  expect(synthAnnotations({ 'dcs-bigkey:snapshotMaxAge': '11d' }).annotations).toEqual([]);
});

it('a bad value is a configuration error before anything is read', () => {
  process.env.DCS_BIGKEY_SNAPSHOT_MAX_AGE = '7 days';
  const app = Testing.app({ context: { 'dcs-bigkey:snapshot': 'replay' } });
  const stack = new TerraformStack(app, 'producer');
  expect(() => new DcsBigKeyScanTasks(stack, 'c', { instanceId: OLD, projectId: PROJECT })).toThrow(DcsConfigError);
  expect(() => resolveSnapshotMaxAge({ DCS_BIGKEY_SNAPSHOT_MAX_AGE: '7 days' }, () => undefined)).toThrow(
    /^invalid snapshot maximum age "7 days": expected a duration such as 90m, 36h, 7d, 1d12h or 1w .*\(set by DCS_BIGKEY_SNAPSHOT_MAX_AGE or context dcs-bigkey:snapshotMaxAge\)$/,
  );
  // The bounded grammar of every duration: an overflowing age never turns the check off.
  for (const huge of ['99999999999d', `1${'0'.repeat(400)}d`]) {
    expect(() => resolveSnapshotMaxAge({ DCS_BIGKEY_SNAPSHOT_MAX_AGE: huge }, () => undefined)).toThrow(/a duration must be from 1s to 3650d \(10 years\)/);
  }
  const context = (maxAge: unknown) => (key: string) => (key === 'dcs-bigkey:snapshotMaxAge' ? maxAge : undefined);
  expect(() => resolveSnapshotMaxAge({}, context(1e308))).toThrow(/a duration must be from 1s to 3650d/);
  expect(resolveSnapshotMaxAge({}, context(7 * DAY))).toEqual({ text: '1w', ms: 7 * DAY, severity: 'error' });
  expect(() => resolveSnapshotMaxAge({ DCS_BIGKEY_SNAPSHOT_MAX_AGE_SEVERITY: 'fatal' }, () => undefined)).toThrow(/expected "error" or "warning"/);
});

it('the age is measured against the clock given', () => {
  const e = entry(OLD, new Date('2026-11-01T00:00:00.000Z'));
  const maxAge = { text: '7d', ms: 7 * DAY, severity: 'error' as const };
  expect(snapshotStaleness(e, maxAge, new Date('2026-11-08T00:00:00.000Z'))).toBeUndefined();
  expect(snapshotStaleness(e, maxAge, new Date('2026-11-08T00:00:01.000Z'))).toMatchObject({ ageMs: 7 * DAY + 1000 });
});

it('an entry recorded in the future (past a few minutes of clock skew) has no knowable age: stale, never a pass', () => {
  const now = new Date('2026-11-08T00:00:00.000Z');
  const maxAge = { text: '7d', ms: 7 * DAY, severity: 'error' as const };
  const future = entry(OLD, new Date('2027-11-08T00:00:00.000Z'));
  expect(snapshotStaleness(future, maxAge, now)).toEqual({
    severity: 'error',
    ageMs: -365 * DAY,
    message: expect.stringMatching(
      new RegExp(`^the snapshot entry for instance ${OLD} \\(project ${PROJECT}\\) says it was recorded 365d in the future \\(fetched_at 2027-11-08T00:00:00\\.000Z\\), so its age cannot be known .* refresh it with \`npx dcs-bigkey snapshot refresh --instance-id ${OLD}\` and commit the file`),
    ),
  });
  // A recording machine's clock a little ahead of this one's is no reason to refuse the entry.
  expect(snapshotStaleness(entry(OLD, new Date(now.getTime() + 60_000)), maxAge, now)).toBeUndefined();
  // No maximum age set: nothing is checked, as for any entry.
  expect(snapshotStaleness(future, undefined, now)).toBeUndefined();
});

it.each(['2026-11-31T00:00:00.000Z', '2026-11-30 10:00:00', '2026-11-30T10:00:00', 'Mon, 30 Nov 2026 10:00:00 GMT', '2026'])(
  'an entry whose fetched_at %j is not an ISO-8601 UTC time that exists fails the lookup closed (its age could be read wrong)',
  (fetchedAt) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-maxage-')), 'dcs-bigkey.context.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, entries: { [`${PROJECT}/${OLD}`]: { ...entry(OLD, new Date()), fetched_at: fetchedAt } } }));
    const app = newApp({ 'dcs-bigkey:snapshot': 'replay', 'dcs-bigkey:snapshotFile': file, 'dcs-bigkey:snapshotMaxAge': '7d' });
    const stack = new TerraformStack(app, 'producer');
    new DcsBigKeyScanTasks(stack, 'orders-cache', { instanceId: OLD, projectId: PROJECT });
    expect(synthApp(app).annotations.producer).toEqual([
      expect.objectContaining({ level: '@cdktf/error', message: expect.stringMatching(new RegExp(`^\\[lookup-failed\\] .* could not be read, so the gate cannot pass: snapshot file .*, entry ${PROJECT}/${OLD}: fetched_at is not an ISO-8601 UTC time`)) }),
    ]);
  },
);
