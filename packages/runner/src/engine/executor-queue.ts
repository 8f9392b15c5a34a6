import { Job, Queue } from 'bullmq';
import { InputError, log } from '@descbench/core';
import { describeCell } from './child-pool';
import { decodeCellValue } from './cell-codec';
import { cellQueueName, connectRedis, parseQueueUrl, QUEUE_PREFIX } from './queue-connection';
import type { CellValue, Executor, KeyedCell } from './types';

/** A cell job's data: the spec, its key and the version it was keyed under (a worker checks both). */
export interface CellJobData {
  key: string;
  spec: KeyedCell['spec'];
  version: string;
}

/** A worker's failure reason for a bad-input cell (the coordinator turns it back into an InputError). */
export const INPUT_ERROR_PREFIX = 'InputError: ';

/** Finished jobs stay in Redis this long, so that a restarted coordinator (or another table sharing cells) finds them. */
const KEEP_FINISHED_S = 7 * 24 * 3600;

export interface QueueExecutorOptions {
  /** redis://HOST:PORT */
  url: string;
  /** The project version the cells were keyed under (checked by workers). */
  version: string;
  /** The backend of cells whose spec names none (see cellQueueName). */
  backend: string;
  /** How often the coordinator looks at its jobs (ms). */
  pollMs?: number;
  /** Tries per cell when a worker's computation throws (a dead worker's cell is retried apart from these). */
  attempts?: number;
  /** A cell started (or moved) on a worker. */
  onStart?: (cell: KeyedCell, worker: string) => void;
}

/**
 * `--queue redis://HOST:PORT`: the coordinator's side of many machines. Enqueues each cell as a
 * BullMQ job whose id is the cell's key (a cell queued twice is one job; a cell computed twice is
 * harmless), waits for the workers (`bench worker`) to return them, and reports each one as it
 * arrives, so that the engine journals it locally: a coordinator killed and restarted enqueues only
 * the cells it has not journalled and collects the ones that finished meanwhile at once.
 * A worker killed mid-cell loses its lock; BullMQ's stalled-job check gives the cell to another.
 */
export class QueueExecutor implements Executor {
  readonly name: string;

  constructor(private readonly o: QueueExecutorOptions) {
    parseQueueUrl(o.url);
    this.name = `queue:${o.url}`;
  }

  async run(cells: KeyedCell[], onDone: (c: KeyedCell, v: CellValue) => void): Promise<void> {
    if (cells.length === 0) return;
    const redis = await connectRedis(this.o.url);
    const queues = new Map<string, Queue>();
    const queueOf = (c: KeyedCell): Queue => {
      const name = cellQueueName(c.spec, this.o.backend);
      let q = queues.get(name);
      if (q === undefined) {
        q = new Queue(name, { connection: redis, prefix: QUEUE_PREFIX });
        queues.set(name, q);
      }
      return q;
    };
    try {
      let collected = 0;
      for (const c of cells) if ((await this.enqueue(queueOf(c), c)) === 'finished') collected++;
      if (collected > 0) log.info(`queue: ${collected} of ${cells.length} cell(s) already computed by workers`);
      if (collected < cells.length) log.info(`queue: waiting for ${cells.length - collected} cell(s) on ${[...queues.keys()].join(', ')} at ${this.o.url}`);
      await this.wait(cells, queueOf, onDone);
    } finally {
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
    }
  }

  /** Add the cell's job unless it exists; a job that failed before is tried again. */
  private async enqueue(q: Queue, c: KeyedCell): Promise<'added' | 'queued' | 'finished'> {
    const job = await Job.fromId<CellJobData>(q, c.key);
    if (job !== undefined) {
      const state = await job.getState();
      if (state === 'completed') return 'finished';
      if (state === 'failed') {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return 'added';
      }
      if (state !== 'unknown') return 'queued';
    }
    const data: CellJobData = { key: c.key, spec: c.spec, version: this.o.version };
    await q.add(c.spec.table, data, {
      jobId: c.key,
      attempts: this.o.attempts ?? 2,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: KEEP_FINISHED_S },
      removeOnFail: { age: KEEP_FINISHED_S },
    });
    return 'added';
  }

  private async wait(cells: KeyedCell[], queueOf: (c: KeyedCell) => Queue, onDone: (c: KeyedCell, v: CellValue) => void): Promise<void> {
    const pending = new Map(cells.map((c) => [c.key, c]));
    const where = new Map<string, string>();
    let lastWorkerCheck = Date.now();
    while (pending.size > 0) {
      for (const c of [...pending.values()]) {
        const q = queueOf(c);
        const job = await Job.fromId<CellJobData, string>(q, c.key);
        if (job === undefined) {
          // removed meanwhile (e.g. `bench queue` cleaned): queue it again
          await this.enqueue(q, c);
          continue;
        }
        if (job.finishedOn !== undefined && typeof job.returnvalue === 'string') {
          pending.delete(c.key);
          onDone(c, decodeCellValue(job.returnvalue));
          continue;
        }
        const state = await job.getState();
        if (state === 'failed') {
          // the job read above may predate the failure (a worker failed it between the two
          // reads): read it again for the worker's reason and attempts
          const failed = (await Job.fromId<CellJobData, string>(q, c.key)) ?? job;
          const reason = failed.failedReason ?? 'no reason given';
          if (reason.startsWith(INPUT_ERROR_PREFIX)) throw new InputError(reason.slice(INPUT_ERROR_PREFIX.length));
          throw new Error(`cell ${describeCell(c)} failed on ${failed.processedBy ?? 'a worker'} after ${failed.attemptsMade} attempt(s): ${reason}`);
        }
        if (state === 'active' && job.processedBy !== undefined && where.get(c.key) !== job.processedBy) {
          where.set(c.key, job.processedBy);
          this.o.onStart?.(c, job.processedBy);
        }
      }
      if (pending.size === 0) break;
      if (Date.now() - lastWorkerCheck > 30_000) {
        lastWorkerCheck = Date.now();
        await this.warnWithoutWorkers([...new Set([...pending.values()].map(queueOf))]);
      }
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 500));
    }
  }

  private async warnWithoutWorkers(qs: Queue[]): Promise<void> {
    for (const q of qs) {
      if ((await q.getWorkersCount()) > 0) continue;
      const backend = q.name.replace(/^cells-/, '');
      log.warn(`no worker serves ${q.name} at ${this.o.url}; start one: bench worker --queue ${this.o.url} --backend ${backend}`);
    }
  }
}
