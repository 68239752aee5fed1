// Preloaded with `node --require` in a child process: makes the packages named in
// DCS_BIGKEY_TEST_HIDE (comma-separated) unresolvable, as if they were not installed, and
// reports every attempt to load one on stderr when the process exits.
const Module = require('node:module');

const hidden = (process.env.DCS_BIGKEY_TEST_HIDE || '').split(',').filter(Boolean);
const attempts = [];
process.on('exit', () => {
  if (attempts.length > 0) process.stderr.write(`hidden modules requested: ${JSON.stringify(attempts)}\n`);
});
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
