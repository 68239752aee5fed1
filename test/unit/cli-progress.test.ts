/**
 * Progress on stderr: retry waits shown ("throttled by the API, waiting 8 s"), and the last
 * line is the result, never "so far". A fake clock drives the terminal's redraw limit.
 */
import { BufferStream } from '../../lib/cli/io';
import { Progress, progressMode, retryText, waitText } from '../../lib/cli/progress';
import { RetryEvent } from '../../lib/client/client';

const ID = '5560df16-cebf-4473-95c4-d1b573c16e79';
const throttled = (delayMs: number): RetryEvent => ({ instanceId: ID, operation: 'ListBigkeyScanTasks', reason: 'HTTP 429', delayMs, throttled: true });

it('modes: a terminal always gets the line; --verbose without one gets lines; otherwise nothing', () => {
  expect(progressMode({ isTTY: true, verbose: false })).toBe('tty');
  expect(progressMode({ isTTY: true, verbose: true })).toBe('tty');
  expect(progressMode({ isTTY: false, verbose: true })).toBe('lines');
  expect(progressMode({ isTTY: false, verbose: false })).toBe('off');
});

it('says what a wait is for, in seconds people read', () => {
  expect(retryText(throttled(8000))).toBe('throttled by the API, waiting 8 s');
  expect(retryText({ reason: 'ECONNRESET', delayMs: 412, throttled: false })).toBe('ECONNRESET, retrying in 0.4 s');
  expect(waitText(1049)).toBe('1 s');
  expect(waitText(1500)).toBe('1.5 s');
  expect(waitText(12_400)).toBe('12 s');
});

describe('on a terminal', () => {
  it('shows a Retry-After wait on the line while it lasts, then replaces the line with the result', () => {
    let now = 1_000;
    const out = new BufferStream();
    const progress = new Progress(out, 3, 'tty', () => now);
    progress.tick('a', 'pass');
    progress.retry('b', throttled(8000));
    expect(out.text.endsWith('\r\x1b[2Kdcs-bigkey gate: 1/3 done, 0 blocked, 0 failed so far; throttled by the API, waiting 8 s')).toBe(true);
    now += 9_000; // the wait is over: the next redraw no longer mentions it
    progress.tick('b', 'blocked');
    expect(out.text.endsWith('\r\x1b[2Kdcs-bigkey gate: 2/3 done, 1 blocked, 0 failed so far')).toBe(true);
    progress.tick('c', 'error');
    progress.finish();
    const last = out.text.split('\r\x1b[2K').pop();
    expect(last).toBe('dcs-bigkey gate: checked 3 of 3: 1 pass, 0 warn, 1 blocked, 1 error\n');
    expect(last).not.toContain('so far');
  });

  it('redraws at most ten times a second, except for waits of a second or more', () => {
    const now = 5_000;
    const out = new BufferStream();
    const progress = new Progress(out, 100, 'tty', () => now);
    for (let i = 0; i < 50; i++) progress.tick(`i${i}`, 'pass');
    expect(out.text.split('\r\x1b[2K').length - 1).toBe(1);
    progress.retry('x', throttled(200));
    expect(out.text.split('\r\x1b[2K').length - 1).toBe(1);
    progress.retry('x', throttled(3000));
    expect(out.text.split('\r\x1b[2K').length - 1).toBe(2);
  });

  it('for one instance: nothing unless it waits, and the line is erased for the report', () => {
    const quiet = new BufferStream();
    const one = new Progress(quiet, 1, 'tty', () => 0);
    one.tick('a', 'pass');
    one.finish();
    expect(quiet.text).toBe('');
    const out = new BufferStream();
    const waiting = new Progress(out, 1, 'tty', () => 0);
    waiting.retry('a', throttled(8000));
    waiting.tick('a', 'pass');
    waiting.finish();
    expect(out.text).toBe('\r\x1b[2Kdcs-bigkey gate: 0/1 done, 0 blocked, 0 failed so far; throttled by the API, waiting 8 s\r\x1b[2K');
  });
});

it('with --verbose in a log: a line per instance and per wait; the last one has no "so far"', () => {
  const out = new BufferStream();
  const progress = new Progress(out, 2, 'lines');
  progress.tick('a', 'pass');
  progress.retry('b', throttled(8000));
  progress.tick('b', 'warn');
  progress.finish();
  expect(out.text.split('\n')).toEqual([
    'dcs-bigkey gate: 1/2 done, 0 blocked, 0 failed so far (a: pass)',
    'dcs-bigkey gate: b: throttled by the API, waiting 8 s',
    'dcs-bigkey gate: 2/2 done, 0 blocked, 0 failed (b: warn)',
    '',
  ]);
});
