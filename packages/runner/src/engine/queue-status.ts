import { Queue, type JobType } from 'bullmq';
import { connectRedis, QUEUE_PREFIX } from './queue-connection';
import type { CellJobData } from './executor-queue';

/** Cells of one table in one queue, by state. */
export interface TableQueueCounts {
  table: string;
  waiting: number;
  running: number;
  done: number;
  failed: number;
}

export interface QueueStatus {
  url: string;
  queues: {
    /** `cells-<backend>` */
    name: string;
    backend: string;
    /** Workers connected to it (their names: `worker:<host>/<pid>[<backend>]`). */
    workers: string[];
    tables: TableQueueCounts[];
  }[];
}

const STATES: Record<keyof Omit<TableQueueCounts, 'table'>, JobType[]> = {
  waiting: ['wait', 'prioritized', 'delayed', 'waiting-children'],
  running: ['active'],
  done: ['completed'],
  failed: ['failed'],
};

/** The cell queues at `url`: their names, read from Redis' keys (`descbench:cells-<backend>:meta`). */
async function queueNames(redis: Awaited<ReturnType<typeof connectRedis>>): Promise<string[]> {
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:cells-*:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      const m = new RegExp(`^${QUEUE_PREFIX}:(cells-[^:]+):`).exec(k);
      if (m !== null) names.add(m[1] as string);
    }
  } while (cursor !== '0');
  return [...names].sort();
}

/** `bench queue status`: per queue (backend) and table, the cells waiting, running, done and failed, and the workers. */
export async function queueStatus(url: string): Promise<QueueStatus> {
  const redis = await connectRedis(url);
  try {
    const out: QueueStatus = { url, queues: [] };
    for (const name of await queueNames(redis)) {
      const q = new Queue<CellJobData>(name, { connection: redis, prefix: QUEUE_PREFIX });
      try {
        const tables = new Map<string, TableQueueCounts>();
        for (const [state, types] of Object.entries(STATES) as [keyof typeof STATES, JobType[]][]) {
          for (const job of await q.getJobs(types)) {
            if (job === undefined) continue;
            const table = job.name;
            let t = tables.get(table);
            if (t === undefined) tables.set(table, (t = { table, waiting: 0, running: 0, done: 0, failed: 0 }));
            t[state]++;
          }
        }
        // client names are `<prefix>:<queue, base64>:w:<worker name>`
        const workers = (await q.getWorkers()).map((w) => (w.name ?? '').replace(/^.*?:w:/, '')).filter((n) => n !== '');
        out.queues.push({ name, backend: name.replace(/^cells-/, ''), workers: workers.sort(), tables: [...tables.values()].sort((a, b) => a.table.localeCompare(b.table)) });
      } finally {
        await q.close();
      }
    }
    return out;
  } finally {
    redis.disconnect();
  }
}
