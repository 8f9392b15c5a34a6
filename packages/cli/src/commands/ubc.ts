import { loadCatalog, replayText, runReplay, type UbcKindOptions } from '@descbench/runner';
import type { CommandFactory } from './index';
import { scaleOptions, withScaleOptions } from './scale-options';

export const ubcCommand: CommandFactory = (setExit) => ({
  command: 'ubc',
  describe: 'Replay a UBC PhotoTour FPR@95 table: train each row on each subset (or evaluate SIFT / official weights), test on the others, several seeds',
  builder: (y) =>
    withScaleOptions(y)
      .option('table', { type: 'string', default: 'solar-supp/table1', describe: 'UBC table id from `bench list`' })
      .option('rows', { type: 'string', array: true, describe: 'Row ids to replay (default: the first row trained with its own recipe)' })
      .option('all-soa', { type: 'boolean', default: false, describe: 'SOSNet+ and every row with SOA blocks' })
      .option('all', { type: 'boolean', default: false, describe: 'Every row that replays here (trained, evaluated with weights present, hand-crafted)' })
      .option('profile', { choices: ['tiny', 'smoke', 'quick', 'paper'] as const, default: 'smoke' as const, describe: 'Scale of the training recipes' })
      .option('seeds', { type: 'number', describe: "Seeds 1..N per trained cell (default: the table's)" })
      .option('data', { choices: ['auto', 'real', 'synthetic'] as const, default: 'auto' as const, describe: 'Real UBC data, generated data, or real when present (announced)' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('weights-dir', { type: 'string', describe: 'Official weights as <dir>/<model>/<file> (default: <data root>/weights)' })
      .option('patches', { type: 'number', describe: 'Patches per generated subset (synthetic data)' })
      .option('train', { type: 'string', array: true, describe: "Training subsets to replay (default: all of the table's); a partial table" })
      .option('backend', { type: 'string', default: 'auto', describe: 'auto|tensorflow|tensorflow-gpu|webgpu|wasm|cpu' })
      .option('results-dir', { type: 'string', default: 'results', describe: 'Where results/<paper>/<table>/ goes' })
      .option('check', { type: 'boolean', default: false, describe: 'Exit 1 when a cell is worse than the paper beyond tolerance' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' }),
  handler: async (a: {
    table: string; rows?: string[]; allSoa: boolean; all: boolean; profile: string; seeds?: number; data: 'auto' | 'real' | 'synthetic';
    dataDir?: string; weightsDir?: string; patches?: number; train?: string[]; backend: string; resultsDir: string; check: boolean; json: boolean; jobs?: number; queue?: string;
  }) => {
    const catalog = loadCatalog();
    const kind: UbcKindOptions = {
      ...(a.allSoa ? { allSoa: true } : {}), ...(a.all ? { all: true } : {}),
      ...(a.patches !== undefined ? { patches: a.patches } : {}), ...(a.train ? { trains: a.train } : {}), ...(a.weightsDir !== undefined ? { weightsDir: a.weightsDir } : {}),
    };
    const r = await runReplay(catalog, {
      table: a.table, profile: a.profile, data: a.data, backend: a.backend, resultsDir: a.resultsDir, kind: kind as Record<string, unknown>,
      ...(a.rows ? { rows: a.rows } : {}), ...(a.seeds !== undefined ? { seeds: a.seeds } : {}), ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}),
      ...scaleOptions(a),
    });
    if (a.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else process.stdout.write(replayText(catalog.get(r.table), r));
    if (a.check && r.comparison !== null && r.comparison.exit_code !== 0) setExit(1);
  },
});
