import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { chooseBackend, InputError, isInputError, log, parseBackendName } from '@descbench/core';
import { tfjsProbe } from '@descbench/models';
import { ChildPool, describeCell } from './child-pool';
import { encodeCellValue } from './cell-codec';
import { INPUT_ERROR_PREFIX, type CellJobData } from './executor-queue';
import { cellKey, projectVersion } from './key';
import { connectRedis, QUEUE_PREFIX } from './queue-connection';

export interface QueueWorkerOptions {
  /** redis://HOST:PORT */
  url: string;
  /** The tfjs backend this worker runs (`auto` resolves here); it serves the queue `cells-<backend>`. */
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
  /** Refuses a cell whose key does not match its spec under this worker's code: returns why, or undefined (default: sameCode). */
  checkKey?: (data: CellJobData) => string | undefined;
}

/**
 * A cell's key covers the project version (the code that computes it); a worker running other
 * code would return other numbers under the same key, so it refuses the cell and says why.
 */
export function sameCode(d: CellJobData): string | undefined {
  const mine = projectVersion();
  if (cellKey(d.spec, mine) === d.key) return undefined;
  if (mine !== d.version) return `the cell was queued by descbench ${d.version}; this worker (${hostname()}) runs ${mine}: run the coordinator's code on the worker`;
  return `the cell's key does not match its spec (queued by descbench ${d.version})`;
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
  const backend = chooseBackend(parseBackendName(o.backend), tfjsProbe()).backend;
  const redis = await connectRedis(o.url);
  const name = `worker:${hostname()}/${process.pid}`;
  // named by pid, so that whoever killed a worker can find what it left
  const workRoot = mkdtempSync(join(tmpdir(), `descbench-worker-${process.pid}-`));
  const pool = new ChildPool({
    size: o.concurrency,
    // a worker uses at most --concurrency cores (other workers may share the machine): a lone cell gets them all
    cores: o.concurrency,
    backend,
    workRoot,
    workerName: () => name,
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    ...(o.computeModule !== undefined ? { computeModule: o.computeModule } : {}),
  });
  const queue = `cells-${backend}`;
  const stalledMs = o.stalledMs ?? 30_000;
  const worker = new Worker<CellJobData, string>(
    queue,
    async (job: Job<CellJobData, string>) => {
      const { key, spec } = job.data;
      const refused = (o.checkKey ?? sameCode)(job.data);
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
      name: `${name}[${backend}]`,
      lockDuration: stalledMs,
      stalledInterval: stalledMs,
      // a cell is pure: rerunning it after a crash is always safe
      maxStalledCount: 5,
    },
  );
  worker.on('error', (e) => log.warn(`${name}: ${e.message}`));
  await worker.waitUntilReady();
  log.info(`${name}: serving ${queue} at ${o.url} with ${o.concurrency} process(es), backend ${backend}`);
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
