// Loads the lookup worker from TypeScript sources (the library's own tests, the example under
// tsx). `--import tsx` does not reach require() inside worker threads on Node 20, so the worker
// registers tsx's CommonJS hook itself. Compiled JavaScript uses lookup-worker-loader.js.
require('tsx/cjs');
require('./lookup-worker.ts').runLookupWorker({ from: 'sources', codeCache: 'none' });
