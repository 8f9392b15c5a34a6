/**
 * A replay in a child process, for the resume test: `tsx replay-child.ts <benchmarks> <results> <log>`
 * replays demo/table1 with the demo kind (3 seeds) and prints the results CSV path.
 */
import { loadCatalog } from '../../tables/catalog';
import { registerTableKind } from '../kinds';
import { runReplay } from '../replay';
import { demoKind } from './demo-kind';

async function main(): Promise<void> {
  const [benchmarks, resultsDir, log] = process.argv.slice(2) as [string, string, string];
  registerTableKind(demoKind);
  const r = await runReplay(loadCatalog(benchmarks), { table: 'demo/table1', profile: 'tiny', resultsDir, kind: { log } });
  process.stdout.write(`${r.files.csv}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
