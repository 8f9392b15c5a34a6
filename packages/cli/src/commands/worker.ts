import { log } from '@descbench/core';
import { startQueueWorker } from '@descbench/runner';
import type { CommandFactory } from './index';

export const workerCommand: CommandFactory = () => ({
  command: 'worker',
  describe: 'Compute replay cells from a BullMQ queue on Redis (started by `bench replay|ubc ... --queue`), until stopped (Ctrl-C finishes the running cells)',
  builder: (y) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'redis://HOST:PORT' })
      .option('backend', { type: 'string', default: 'auto', describe: "auto|tensorflow|tensorflow-gpu|webgpu|wasm|cpu: this worker takes the cells keyed for this backend (the coordinator's --backend)" })
      .option('concurrency', { type: 'number', default: 1, describe: 'Cells computed at once (one process each, one thread each)' })
      .option('data-dir', { type: 'string', describe: 'Data root on this machine (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('stalled-ms', { type: 'number', default: 30000, describe: "A dead worker's cell is given to another after about twice this (lock time and stalled-check interval)" }),
  handler: async (a: { queue: string; backend: string; concurrency: number; dataDir?: string; stalledMs: number }) => {
    const w = await startQueueWorker({ url: a.queue, backend: a.backend, concurrency: a.concurrency, stalledMs: a.stalledMs, ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}) });
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        log.info(`${w.name}: ${signal}: finishing the running cells, then stopping`);
        void w.close().then(resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  },
});
