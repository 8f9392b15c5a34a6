import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { InputError, isInputError, log } from '@descbench/core';
import { ChildPool, describeCell } from './child-pool';
import { encodeCellValue } from './cell-codec';
import { INPUT_ERROR_PREFIX, type CellJobData } from './executor-queue';
import { connectRedis, QUEUE_PREFIX } from './queue-connection';

export interface QueueWorkerOptions {
  /** redis://HOST:PORT */
  url: string;
  /** The concrete tfjs backend this worker runs (it serves the queue `cells-<backend>`). */
  backend: string;
  /** Cells computed at once (one process each). */
  concurrency: number;
  dataDir?: string;
  /**
   * How long a cell's lock lives without renewal, and how often stalled cells are looked for (ms):
   * a worker that dies mid-cell has its cell retried elsewhere within about twice this.
   */
  stalledMs?: number;
  /** Module exporting computeCell (default: the engine's kinds). */
  computeModule?: string;
  /** Refuses a cell whose key does not match its spec under this worker's code: returns why, or undefined. */
  checkKey?: (data: CellJobData) => string | undefined;
}

export interface RunningWorker {
  /** `worker:<host>/<pid>`: recorded with every cell it computes. */
  readonly name: string;
  /** Finish the running cells, then stop. */
  close(): Promise<void>;
}

/**
 * `bench worker`: takes cells from the queue of its backend, computes each in one of
 * `concurrency` pool processes (so this process stays free to renew its locks however long a
 * cell runs), and returns each cell's value as the job's result. A bad-input cell fails at once
 * (UnrecoverableError); other errors are retried by BullMQ up to the job's attempts.
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<RunningWorker> {
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new InputError(`--concurrency must be a positive integer, got ${o.concurrency}`, { at: '--concurrency' });
  const redis = await connectRedis(o.url);
  const name = `worker:${hostname()}/${process.pid}`;
  const workRoot = mkdtempSync(join(tmpdir(), 'descbench-worker-'));
  const pool = new ChildPool({
    size: o.concurrency,
    backend: o.backend,
    workRoot,
    workerName: () => name,
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    ...(o.computeModule !== undefined ? { computeModule: o.computeModule } : {}),
  });
  const queue = `cells-${o.backend}`;
  const stalledMs = o.stalledMs ?? 30_000;
  const worker = new Worker<CellJobData, string>(
    queue,
    async (job: Job<CellJobData, string>) => {
      const { key, spec } = job.data;
      const refused = o.checkKey?.(job.data);
      if (refused !== undefined) throw new UnrecoverableError(refused);
      const started = Date.now();
      log.info(`${name}: cell ${spec.table} ${describeCell({ key, spec })} started`);
      try {
        const v = await pool.compute({ key, spec });
        log.info(`${name}: cell ${spec.table} ${describeCell({ key, spec })} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return encodeCellValue(v);
      } catch (e) {
        if (isInputError(e)) throw new UnrecoverableError(`${INPUT_ERROR_PREFIX}${(e as Error).message}`);
        throw e;
      }
    },
    {
      connection: redis,
      prefix: QUEUE_PREFIX,
      concurrency: o.concurrency,
      // shown by `bench queue status` (a Redis client name: no spaces)
      name: `${name}[${o.backend}]`,
      lockDuration: stalledMs,
      stalledInterval: stalledMs,
      // a cell is pure: rerunning it after a crash is always safe
      maxStalledCount: 5,
    },
  );
  worker.on('error', (e) => log.warn(`${name}: ${e.message}`));
  await worker.waitUntilReady();
  log.info(`${name}: serving ${queue} at ${o.url} with ${o.concurrency} process(es), backend ${o.backend}`);
  return {
    name,
    async close() {
      await worker.close();
      await pool.close();
      redis.disconnect();
      rmSync(workRoot, { recursive: true, force: true });
    },
  };
}
