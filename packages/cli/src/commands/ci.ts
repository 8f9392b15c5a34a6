import { join } from 'node:path';
import { CI_REPLAYS, engineReplayRunner, findBenchmarksDir, loadCatalog, markdownTable, runCi, type CiCheckResult } from '@descbench/runner';
import type { CommandFactory } from './index';

const line = (r: CiCheckResult): string[] => [r.check, r.table, String(r.cells), r.verdict, `${r.seconds.toFixed(1)} s`, r.note];

export const ciCommand: CommandFactory = (setExit) => ({
  command: 'ci',
  describe: 'The checks against the stored references: audit findings, exact invariants, golden outputs (with ../shared), tiny replays vs results/baselines (exit 1 on a regression)',
  builder: (y) =>
    y
      .option('update-baselines', { type: 'boolean', default: false, describe: 'Rewrite the pinned findings, known differences and replay baselines, and say what changed' })
      .option('baselines', { type: 'string', describe: 'Baselines folder (default: results/baselines of the repository)' })
      .option('jobs', { type: 'number', describe: 'Worker processes for the replays (default: the cores)' })
      .option('results-dir', { type: 'string', describe: 'Where the CI replays write results and reports (default results/ci)' })
      .option('skip-replays', { type: 'boolean', default: false, describe: 'Only the fast checks (audit, exact, golden)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON on stdout' }),
  handler: async (a: { updateBaselines: boolean; baselines?: string; jobs?: number; resultsDir?: string; skipReplays: boolean; json: boolean }) => {
    const catalog = loadCatalog();
    const resultsDir = a.resultsDir ?? join(findBenchmarksDir(), '..', 'results', 'ci');
    const report = await runCi(catalog, {
      replays: CI_REPLAYS,
      runReplay: engineReplayRunner(catalog, { resultsDir, ...(a.jobs !== undefined ? { jobs: a.jobs } : {}) }),
      update: a.updateBaselines,
      skipReplays: a.skipReplays,
      ...(a.baselines !== undefined ? { baselinesDir: a.baselines } : {}),
      onResult: (r) => process.stderr.write(`ci: ${r.check} ${r.table}: ${r.verdict} (${r.seconds.toFixed(1)} s)\n`),
    });
    if (a.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(`${markdownTable(['check', 'table', 'cells', 'verdict', 'time', 'note'], report.results.map(line))}\n`);
      const failures = report.results.flatMap((r) => r.failures);
      const changes = report.results.flatMap((r) => r.changes);
      if (failures.length > 0) process.stdout.write(`\nregressions:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
      if (a.updateBaselines) process.stdout.write(changes.length > 0 ? `\nchanged:\n${changes.map((c) => `  ${c}`).join('\n')}\n` : '\nbaselines unchanged\n');
      process.stdout.write(`\n${report.results.length} check(s) in ${report.seconds.toFixed(0)} s: ${report.exit_code === 0 ? 'ok' : 'FAILED'}\n`);
    }
    setExit(report.exit_code);
  },
});
