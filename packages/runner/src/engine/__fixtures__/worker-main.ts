import { startQueueWorker } from '../queue-worker';
import { TEST_KIND } from './test-cells';

/** A queue worker on the test kind in its own process (argv: url, stalled ms), for the kill test. */
const [url, stalledMs] = process.argv.slice(2) as [string, string];
startQueueWorker({ url, backend: 'cpu', concurrency: 1, stalledMs: Number(stalledMs), computeModule: TEST_KIND }).then(
  (w) => process.on('SIGTERM', () => void w.close().then(() => process.exit(0))),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  },
);
