import { InputError } from '@descbench/core';
import { loadCatalog, replayText, runReplay } from '@descbench/runner';
import type { CommandFactory } from './index';
import { scaleOptions, withScaleOptions } from './scale-options';

/** `--set key=value` pairs into the kind's options (numbers and booleans parsed). */
function parseKindOptions(pairs: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs ?? []) {
    const m = /^([A-Za-z][\w-]*)=(.*)$/.exec(p);
    if (m === null) throw new InputError(`expected key=value, got ${JSON.stringify(p)}`, { at: '--set' });
    const key = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = m[2]!;
    out[key] = v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

export const replayCommand: CommandFactory = (setExit) => ({
  command: 'replay <table>',
  describe: 'Replay any replayable table by id (see `bench list`): cells computed, journalled, aggregated over seeds and compared with the paper',
  builder: (y) =>
    withScaleOptions(y)
      .positional('table', { type: 'string', demandOption: true, describe: 'Table id, e.g. hynet/table1' })
      .option('profile', { choices: ['tiny', 'smoke', 'quick', 'paper'] as const, default: 'smoke' as const, describe: 'Scale of the training recipes' })
      .option('seeds', { type: 'number', describe: "Seeds 1..N per cell (default: the table's)" })
      .option('rows', { type: 'string', array: true, describe: "Row ids (default: the kind's default rows)" })
      .option('data', { choices: ['auto', 'real', 'synthetic'] as const, default: 'auto' as const, describe: 'Real data, generated data, or real when present (announced)' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('backend', { type: 'string', default: 'auto', describe: 'auto|tensorflow|tensorflow-gpu|webgpu|wasm|cpu' })
      .option('results-dir', { type: 'string', default: 'results', describe: 'Where results/<paper>/<table>/ goes' })
      .option('set', { type: 'string', array: true, describe: "Kind options as key=value (e.g. all=true, patches=2048, weights-dir=DIR)" })
      .option('check', { type: 'boolean', default: false, describe: 'Exit 1 when a cell is worse than the paper beyond tolerance' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' }),
  handler: async (a: {
    table: string; profile: string; seeds?: number; rows?: string[]; data: 'auto' | 'real' | 'synthetic'; dataDir?: string;
    backend: string; resultsDir: string; set?: string[]; check: boolean; json: boolean; jobs?: number; queue?: string;
  }) => {
    const catalog = loadCatalog();
    const r = await runReplay(catalog, {
      table: a.table, profile: a.profile, data: a.data, backend: a.backend, resultsDir: a.resultsDir, kind: parseKindOptions(a.set),
      ...(a.rows ? { rows: a.rows } : {}), ...(a.seeds !== undefined ? { seeds: a.seeds } : {}), ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}),
      ...scaleOptions(a),
    });
    if (a.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else process.stdout.write(replayText(catalog.get(r.table), r));
    if (a.check && r.comparison !== null && r.comparison.exit_code !== 0) setExit(1);
  },
});
