// Worker-thread body of fuzzLoaderIsolated: runs the in-process loop and posts the summary.

import { parentPort, workerData } from 'node:worker_threads';
import { fuzzLoader, type FuzzLoaderOptions } from './loader-campaign.ts';

parentPort?.postMessage(fuzzLoader(workerData as FuzzLoaderOptions));
