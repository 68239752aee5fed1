// Preloaded with `node --require` in a child process: makes the packages named in
// DCS_BIGKEY_TEST_HIDE (comma-separated) unresolvable, as if they were not installed, and
// records every attempt to load one in globalThis.__hiddenAttempts.
const Module = require('node:module');

const hidden = (process.env.DCS_BIGKEY_TEST_HIDE || '').split(',').filter(Boolean);
const attempts = (globalThis.__hiddenAttempts = []);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const name = hidden.find((h) => request === h || request.startsWith(`${h}/`));
  if (name) {
    attempts.push(request);
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
