// The resource sampler's /proc readings on a thread of their own (proc-readings.ts says why): a
// reading a second, each posted to the sampler, which keeps the latest.
import { parentPort, workerData } from 'node:worker_threads';
import { createProcReader, everySecond, type ProcTargets } from './proc-readings.js';

const read = createProcReader(workerData as ProcTargets);
everySecond(read, (figures) => parentPort!.postMessage(figures));
// everySecond's timer does not hold a thread open; the port does, until the sampler terminates it.
parentPort!.ref();
