import { hpatchesBreakdownText, loadCatalog, replayText, runReplay, type HPatchesKindOptions } from '@descbench/runner';
import type { CommandFactory } from './index';
import { scaleOptions, withScaleOptions } from './scale-options';

export const hpatchesCommand: CommandFactory = (setExit) => ({
  command: 'hpatches',
  describe: "Replay HyNet's HPatches tables: Fig. 4 (verification / matching / retrieval mAP on split 'a', Easy/Hard/Tough) and, with --table3, the Table 3 ablation grid",
  builder: (y) =>
    withScaleOptions(y)
      .option('table3', { type: 'boolean', default: false, describe: 'Also replay hynet/table3 (ablation grid, matching mAP; every row trained on Liberty)' })
      .option('only-table3', { type: 'boolean', default: false, describe: 'Replay hynet/table3 only' })
      .option('rows', { type: 'string', array: true, describe: 'Row ids (default: every row that replays here)' })
      .option('profile', { choices: ['tiny', 'smoke', 'quick', 'paper'] as const, default: 'smoke' as const, describe: 'Scale of the training recipes and of the generated stand-in' })
      .option('seeds', { type: 'number', describe: "Seeds 1..N per trained cell (default: the table's)" })
      .option('data', { choices: ['auto', 'real', 'synthetic'] as const, default: 'auto' as const, describe: 'Real data, generated data, or real when present (announced)' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('weights-dir', { type: 'string', describe: 'Official weights as <dir>/<model>/<file> (default: <data root>/weights)' })
      .option('weights', { choices: ['auto', 'train'] as const, default: 'auto' as const, describe: 'auto: official Liberty weights when present, else train; train: always train here' })
      .option('backend', { type: 'string', default: 'auto', describe: 'auto|tensorflow|tensorflow-gpu|webgpu|wasm|cpu' })
      .option('results-dir', { type: 'string', default: 'results', describe: 'Where results/<paper>/<table>/ goes' })
      .option('check', { type: 'boolean', default: false, describe: 'Exit 1 when a cell is worse than the paper beyond tolerance' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the results as one JSON document on stdout' }),
  handler: async (a: {
    table3: boolean; onlyTable3: boolean; rows?: string[]; profile: string; seeds?: number; data: 'auto' | 'real' | 'synthetic'; dataDir?: string;
    weightsDir?: string; weights: 'auto' | 'train'; backend: string; resultsDir: string; check: boolean; json: boolean; jobs?: number; queue?: string;
  }) => {
    const scale = scaleOptions(a);
    const catalog = loadCatalog();
    const tables = a.onlyTable3 ? ['hynet/table3'] : a.table3 ? ['hynet/fig4', 'hynet/table3'] : ['hynet/fig4'];
    const kind: HPatchesKindOptions = { weights: a.weights, ...(a.weightsDir !== undefined ? { weightsDir: a.weightsDir } : {}) };
    const outcomes = [];
    for (const table of tables) {
      const r = await runReplay(catalog, {
        table, profile: a.profile, data: a.data, backend: a.backend, resultsDir: a.resultsDir, kind: kind as Record<string, unknown>,
        ...(a.rows ? { rows: a.rows } : {}), ...(a.seeds !== undefined ? { seeds: a.seeds } : {}), ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}),
        ...scale,
      });
      outcomes.push(r);
      if (!a.json) process.stdout.write(`## ${table}\n\n${replayText(catalog.get(table), r)}\nmAP (%) by noise level, HPatches split a:\n\n${hpatchesBreakdownText(r)}\n`);
      if (a.check && r.comparison !== null && r.comparison.exit_code !== 0) setExit(1);
    }
    if (a.json) process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  },
});
