import type { Argv } from 'yargs';
import { checkScaleOptions } from '@descbench/runner';

/** `--jobs` and `--queue`, shared by every replay command (replay, ubc, hpatches, roxf, ...). */
export function withScaleOptions<T>(y: Argv<T>) {
  return y
    .option('jobs', { type: 'number', describe: 'Cells computed at once in worker processes on this machine, one thread each (default: the number of cores; 1 runs inline)' })
    .option('queue', { type: 'string', describe: 'redis://HOST:PORT: enqueue the cells on BullMQ for `bench worker`s on any machine, wait, and assemble the table here' });
}

/** The ReplayOptions fields of `--jobs` / `--queue`, checked before any work starts. */
export function scaleOptions(a: { jobs?: number; queue?: string }): { jobs?: number; queue?: string } {
  checkScaleOptions(a);
  return { ...(a.jobs !== undefined ? { jobs: a.jobs } : {}), ...(a.queue !== undefined ? { queue: a.queue } : {}) };
}
