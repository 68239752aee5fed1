/**
 * The worker thread behind the synchronous lookup: runs the async batch while the main thread
 * (a cdktf constructor) waits on Atomics. Kept to this one line so the worker loads fast.
 */
import { runAsWorker } from 'synckit';
import { lookupMany } from '../lookup/batch';

runAsWorker(lookupMany);
