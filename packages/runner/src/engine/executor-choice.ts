import { availableParallelism } from 'node:os';
import { chooseBackend, InputError, log, parseBackendName } from '@descbench/core';
import { tfjsProbe } from '@descbench/models';
import { InlineExecutor } from './executor-inline';
import { ProcessPoolExecutor } from './executor-pool';
import { QueueExecutor } from './executor-queue';
import { parseQueueUrl } from './queue-connection';
import { isBuiltinKind } from './kinds';
import type { Executor, KeyedCell, ReplayOptions } from './types';

export interface ExecutorContext {
  /** The table kind's id (pool processes load the built-in kinds only). */
  kind: string;
  /** Cells to run. */
  cells: number;
  workRoot: string;
  /** The project version the cells were keyed under. */
  version: string;
  /** A cell started somewhere (pool process, remote worker). */
  onStart?: (cell: KeyedCell, worker: string) => void;
}

/** `--jobs`: a positive integer; default the number of cores. */
export function replayJobs(o: Pick<ReplayOptions, 'jobs'>): number {
  const jobs = o.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs must be a positive integer, got ${jobs}`, { at: '--jobs' });
  return jobs;
}

/** `--jobs` and `--queue` alone and together: InputErrors before any work starts. */
export function checkScaleOptions(o: Pick<ReplayOptions, 'jobs' | 'queue'>): void {
  if (o.queue !== undefined) {
    parseQueueUrl(o.queue);
    if (o.jobs !== undefined) throw new InputError('--jobs runs cells on this machine; with --queue the workers run them (bench worker --concurrency)', { at: '--jobs' });
  } else replayJobs(o);
}

/**
 * Where a replay's cells run: `--queue` on remote workers; else `--jobs` pool processes on this
 * machine (default: one per core) when there is more than one cell to run; else inline. Kinds
 * registered at run time (not built in) run inline: a pool process knows the built-in ones only.
 */
export function chooseExecutor(o: ReplayOptions, x: ExecutorContext): Executor {
  const base = { ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), backend: o.backend ?? 'auto', workRoot: x.workRoot };
  checkScaleOptions(o);
  if (o.queue !== undefined) {
    // cells whose spec names no backend go to the queue of this machine's choice
    const backend = chooseBackend(parseBackendName(o.backend ?? 'auto'), tfjsProbe()).backend;
    return new QueueExecutor({ url: o.queue, version: x.version, backend, ...(x.onStart !== undefined ? { onStart: x.onStart } : {}) });
  }
  const jobs = replayJobs(o);
  // --jobs N is the number of cores a replay may use: below the machine's, an inline run keeps to it
  const inline = jobs < availableParallelism() ? { ...base, threads: jobs } : base;
  if (jobs === 1 || x.cells <= 1) return new InlineExecutor(inline);
  if (!isBuiltinKind(x.kind)) {
    log.debug(`kind ${x.kind} is registered at run time: its cells run inline`);
    return new InlineExecutor(inline);
  }
  return new ProcessPoolExecutor({ ...base, size: Math.min(jobs, x.cells), ...(x.onStart !== undefined ? { onStart: x.onStart } : {}) });
}
