// Preloaded (NODE_OPTIONS=--require, which also reaches worker threads) into the timeline runs
// of bench/consumer.ts: appends what each thread does, as wall-clock epoch milliseconds, to
// BENCH_TIMELINE_FILE — when a worker thread had booted and had loaded its script, and when
// undici sent a request and received its response (undici's diagnostics channels; nothing of
// undici is loaded here). Only Node built-ins: it must not change what the app loads.
'use strict';
const fs = require('node:fs');
const diagnostics = require('node:diagnostics_channel');
const Module = require('node:module');
const { isMainThread, threadId } = require('node:worker_threads');

const file = process.env.BENCH_TIMELINE_FILE;
const now = () => performance.timeOrigin + performance.now();
const record = (event, at = now()) => fs.appendFileSync(file, `${JSON.stringify({ thread: threadId, event, at })}\n`);

if (!isMainThread) {
  record('worker booted');
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = load.apply(this, arguments);
    if (isMain) record('worker ready');
    return loaded;
  };
}
diagnostics.subscribe('undici:client:sendHeaders', () => record('request sent'));
diagnostics.subscribe('undici:request:headers', () => record('response received'));
