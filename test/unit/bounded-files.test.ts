/**
 * Fleet and snapshot files are read bounded (regular files only, a size cap) and their errors
 * never quote the file's contents: the path could name any file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_FLEET_FILE_BYTES, readFleetFile } from '../../lib/cli/fleet-file';
import { UsageError } from '../../lib/cli/io';
import { MAX_SNAPSHOT_FILE_BYTES, readSnapshot, SnapshotError } from '../../lib/lookup/snapshot-file';
import { readBoundedTextFile } from '../../lib/util/bounded-file';

const P = '0b6bd4e1a8f34b0c9a8a4f5c1e0d2a7b';
const A = '5560df16-cebf-4473-95c4-d1b573c16e79';
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcs-bigkey-files-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

function snapshotError(p: string): string {
  try {
    readSnapshot(p);
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotError);
    return (error as Error).message;
  }
  throw new Error('expected a SnapshotError');
}

const entry = (extra: object = {}) => ({
  project_id: P, instance_id: A, status_filter: null, region: 'cn-north-4', endpoint: null, source: 'live', fetched_at: '2026-11-28T12:00:00.000Z', count: 0, records: [], ...extra,
});

describe('snapshot file errors never quote the file', () => {
  it.each([
    ['text that is not JSON', 'hunter2-SECRET-in-a-text-file\n', /is not valid JSON \(not JSON\)/],
    ['JSON with a syntax error', '{"password": "hunter2-SECRET", }', /is not valid JSON \(a JSON syntax error at line 1, column 32\)/],
    ['cut-off JSON', '{"password": "hunter2-SECRET"', /is not valid JSON \(/],
    ['JSON that is no snapshot', '{"password": "hunter2-SECRET", "version": "hunter2-SECRET"}', /is not a version 1 snapshot/],
    ['a key that is no lookup key', JSON.stringify({ version: 1, entries: { 'hunter2-SECRET': entry() } }), /entry #1 \(its key is not <project id>\/<instance id>\): the key is not/],
    ['a record with a bad status', JSON.stringify({ version: 1, entries: { [`${P}/${A}`]: entry({ count: 1, records: [{ id: 't', scan_type: 'auto', status: 'hunter2-SECRET', created_at: '2026-11-28T12:00:00.000Z' }] }) } }), new RegExp(`entry ${P}/${A}: records\\[0\\]\\.status is not one of waiting, running, success, failed`)],
    ['an endpoint that is no base URL', JSON.stringify({ version: 1, entries: { [`${P}/${A}`]: entry({ region: null, endpoint: 'hunter2-SECRET' }) } }), /endpoint is not null or a base URL/],
    ['a mismatched key', JSON.stringify({ version: 1, entries: { [`${P}/${A}`]: entry({ instance_id: 'hunter2-SECRET' }) } }), /project_id, instance_id, status_filter and what it holds \(kind, keys, autoscan\) do not match its key/],
    ['keys under a key that does not say so', JSON.stringify({ version: 1, entries: { [`${P}/${A}`]: entry({ keys: null }) } }), /what it holds \(kind, keys, autoscan\) do not match its key/],
    ['an unknown kind', JSON.stringify({ version: 1, entries: { [`${P}/${A}`]: entry({ kind: 'hunter2-SECRET' }) } }), /kind is not absent or one of hotkey-tasks/],
    ['a key name where names were not to be kept', JSON.stringify({ version: 1, entries: { [`${P}/${A}?keys=1`]: entry({ keys: { task_id: 't', scan_type: 'auto', finished_at: null, num: 1, keys: [{ name: 'hunter2-SECRET', type: 'hash', size: 1, unit: 'count', db: 0 }] } }) } }), new RegExp(`entry ${P}/${A}\\?keys=1: keys\\.keys\\[0\\]\\.name is not absent \\(key names were not to be kept\\)`)],
    ['a key of a bad size', JSON.stringify({ version: 1, entries: { [`${P}/${A}?keys=1`]: entry({ keys: { task_id: 't', scan_type: 'auto', finished_at: null, num: 1, keys: [{ type: 'hash', size: 'hunter2-SECRET', unit: 'count', db: 0 }] } }) } }), /keys\.keys\[0\]\.size is not an integer >= 0/],
    ['a key count that does not match', JSON.stringify({ version: 1, entries: { [`${P}/${A}?keys=1`]: entry({ keys: { task_id: 't', scan_type: 'auto', finished_at: null, num: 2, keys: [] } }) } }), /keys\.num does not match the number of keys/],
    ['keys of a task other than the latest successful one', JSON.stringify({ version: 1, entries: { [`${P}/${A}?keys=1`]: entry({ count: 1, records: [{ id: 'c37728fa', scan_type: 'auto', status: 'success', created_at: '2026-11-28T12:00:00.000Z' }], keys: { task_id: 'hunter2-SECRET', scan_type: 'auto', finished_at: null, num: 0, keys: [] } }) } }), /keys\.task_id is not the id of the latest successful task in records/],
    ['keys where no task succeeded', JSON.stringify({ version: 1, entries: { [`${P}/${A}?keys=1`]: entry({ keys: { task_id: 'hunter2-SECRET', scan_type: 'auto', finished_at: null, num: 0, keys: [] } }) } }), /keys\.task_id is not the id of the latest successful task in records/],
    ['no keys beside a successful task', JSON.stringify({ version: 1, entries: { [`${P}/${A}?keys=1`]: entry({ count: 1, records: [{ id: 'hunter2-SECRET', scan_type: 'auto', status: 'success', created_at: '2026-11-28T12:00:00.000Z' }], keys: null }) } }), /keys is null \(no successful task\), but records hold a successful task/],
    ['bad autoscan settings', JSON.stringify({ version: 1, entries: { [`${P}/${A}?autoscan=1`]: entry({ autoscan: { instance_id: A, enable_auto_scan: 'hunter2-SECRET', schedule_at: [] } }) } }), /autoscan\.enable_auto_scan is not true or false/],
  ])('%s', (_what, content, message) => {
    const text = snapshotError(file('snapshot.json', content));
    expect(text).toMatch(message);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('SECRET');
  });

  it('a missing file is an empty snapshot; a BOM is accepted; a good entry passes', () => {
    expect(readSnapshot(path.join(dir, 'none.json')).entries).toEqual({});
    const good = { version: 1, entries: { [`${P}/${A}`]: entry() } };
    expect(Object.keys(readSnapshot(file('bom.json', `\uFEFF${JSON.stringify(good)}`)).entries)).toEqual([`${P}/${A}`]);
  });
});

describe('only regular files, and not too large', () => {
  it('refuses a device (/dev/zero would never end) and a directory, for both files', () => {
    expect(() => readFleetFile('/dev/zero')).toThrow(UsageError);
    expect(() => readFleetFile('/dev/zero')).toThrow('cannot read fleet file /dev/zero: it is a device, not a regular file');
    expect(snapshotError('/dev/zero')).toMatch(/^cannot read snapshot file \/dev\/zero: it is a device, not a regular file; point DCS_BIGKEY_SNAPSHOT_FILE/);
    expect(() => readFleetFile(dir)).toThrow(`cannot read fleet file ${dir}: it is a directory, not a regular file`);
  });

  const mkfifo = spawnSync('mkfifo', ['--version']).error === undefined;
  (mkfifo ? it : it.skip)(`refuses a named pipe without waiting for a writer${mkfifo ? '' : ' (SKIPPED: no mkfifo)'}`, () => {
    const fifo = path.join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    expect(() => readFleetFile(fifo)).toThrow(`cannot read fleet file ${fifo}: it is a pipe, not a regular file`);
  });

  it('refuses files over the documented caps (32 MiB fleet, 64 MiB snapshot), before reading them', () => {
    expect([MAX_FLEET_FILE_BYTES, MAX_SNAPSHOT_FILE_BYTES]).toEqual([32 * 1024 * 1024, 64 * 1024 * 1024]);
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_SNAPSHOT_FILE_BYTES + 1); // sparse: no disk used
    expect(() => readFleetFile(big)).toThrow(`cannot read fleet file ${big}: it is ${MAX_SNAPSHOT_FILE_BYTES + 1} bytes, more than the 32 MiB a fleet file may have`);
    expect(snapshotError(big)).toContain(`it is ${MAX_SNAPSHOT_FILE_BYTES + 1} bytes, more than the 64 MiB a snapshot file may have`);
    expect(() => readBoundedTextFile(file('small.txt', 'x'.repeat(11)), 10, 'test file')).toThrow('it is 11 bytes, more than the');
    expect(readBoundedTextFile(file('ok.txt', '\uFEFFhello'), 10, 'test file')).toBe('hello');
  });
});
