import { loadCatalog, markdownTable, replayUbcTable } from '@descbench/runner';
import type { CommandFactory } from './index';

const fmt = (mean: number, std: number | null, digits: number): string => `${mean.toFixed(digits)}${std === null ? '' : ` ± ${std.toFixed(digits)}`}`;

export const ubcCommand: CommandFactory = (setExit) => ({
  command: 'ubc',
  describe: 'Replay a UBC PhotoTour FPR@95 table: train each row on each subset, test on the others, several seeds',
  builder: (y) =>
    y
      .option('table', { type: 'string', default: 'solar-supp/table1', describe: 'UBC table id from `bench list`' })
      .option('rows', { type: 'string', array: true, describe: 'Row ids to replay (default: the first replayable row)' })
      .option('all-soa', { type: 'boolean', default: false, describe: 'SOSNet+ and every row with SOA blocks' })
      .option('all', { type: 'boolean', default: false, describe: 'Every row with a model in the zoo' })
      .option('profile', { choices: ['tiny', 'smoke', 'quick', 'paper'] as const, default: 'smoke' as const, describe: 'Scale of the training recipes' })
      .option('seeds', { type: 'number', describe: "Seeds 1..N per cell (default: the table's)" })
      .option('data', { choices: ['auto', 'real', 'synthetic'] as const, default: 'auto' as const, describe: 'Real UBC data, generated data, or real when present (announced)' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('patches', { type: 'number', describe: 'Patches per generated subset (synthetic data)' })
      .option('backend', { type: 'string', default: 'auto', describe: 'auto|tensorflow|tensorflow-gpu|webgpu|wasm|cpu' })
      .option('results-dir', { type: 'string', default: 'results', describe: 'Where results/<paper>/<table>/ goes' })
      .option('check', { type: 'boolean', default: false, describe: 'Exit 1 when a cell is worse than the paper beyond tolerance' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' }),
  handler: async (a: {
    table: string; rows?: string[]; allSoa: boolean; all: boolean; profile: string; seeds?: number; data: 'auto' | 'real' | 'synthetic';
    dataDir?: string; patches?: number; backend: string; resultsDir: string; check: boolean; json: boolean;
  }) => {
    const catalog = loadCatalog();
    const r = await replayUbcTable(catalog, {
      table: a.table, allSoa: a.allSoa, all: a.all, profile: a.profile, data: a.data, backend: a.backend, resultsDir: a.resultsDir,
      ...(a.rows ? { rows: a.rows } : {}), ...(a.seeds !== undefined ? { seeds: a.seeds } : {}),
      ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}), ...(a.patches !== undefined ? { patches: a.patches } : {}),
    });
    if (a.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      const t = catalog.get(r.table);
      const cols = t.numericColumns.filter((c) => r.cells.some((x) => x.column === c.id));
      const body = r.rows.map((row) => [
        t.rows.get(row)?.spec.label ?? row,
        ...cols.map((c) => {
          const ours = r.cells.find((x) => x.row === row && x.column === c.id);
          const ref = t.rows.get(row)?.cells.get(c.id);
          return `${ours ? fmt(ours.mean, ours.std, 2) : ''}${ref ? ` (paper ${ref.text})` : ''}`;
        }),
      ]);
      process.stdout.write(`${markdownTable(['', ...cols.map((c) => `${c.train ? `${c.train}->${c.test}` : c.label} (%)`)], body)}\n`);
      const s = r.comparison.summary;
      process.stdout.write(`${r.data === 'synthetic' ? 'generated data: the paper numbers are for the real subsets, so the verdicts only show the pipeline runs end to end\n' : ''}vs paper: ${s.within} within, ${s.inconclusive} inconclusive, ${s.better} better, ${s.worse} worse\nresults: ${r.files.csv}\nrecord: ${r.files.json}\n`);
    }
    if (a.check && r.comparison.exit_code !== 0) setExit(1);
  },
});
