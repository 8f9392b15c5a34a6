/**
 * A replay in a child process, for the resume tests:
 *   tsx replay-child.ts <benchmarks> <results> <log> [inline | pool | redis://HOST:PORT]
 * replays demo/table1 with the demo kind (3 seeds) and prints the results CSV path. `pool` runs
 * the cells in two pool processes, a redis:// URL on queue workers (demo-compute.ts either way).
 */
import { join } from 'node:path';
import { loadCatalog } from '../../tables/catalog';
import { ProcessPoolExecutor } from '../executor-pool';
import { QueueExecutor } from '../executor-queue';
import { projectVersion } from '../key';
import { registerTableKind } from '../kinds';
import { runReplay } from '../replay';
import type { Executor } from '../types';
import { DEMO_COMPUTE } from './demo-compute';
import { demoKind } from './demo-kind';

async function main(): Promise<void> {
  const [benchmarks, resultsDir, log, where = 'inline'] = process.argv.slice(2) as [string, string, string, string?];
  registerTableKind(demoKind);
  let executor: Executor | undefined;
  if (where === 'pool') executor = new ProcessPoolExecutor({ size: 2, computeModule: DEMO_COMPUTE, backend: 'cpu', workRoot: join(resultsDir, '.work') });
  else if (where.startsWith('redis://')) executor = new QueueExecutor({ url: where, version: projectVersion(), backend: 'cpu', pollMs: 100 });
  try {
    const r = await runReplay(loadCatalog(benchmarks), { table: 'demo/table1', profile: 'tiny', resultsDir, kind: { log } }, executor);
    process.stdout.write(`${r.files.csv}\n`);
  } finally {
    await executor?.close?.();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
