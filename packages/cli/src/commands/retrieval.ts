import { loadCatalog, retrievalText, runReplay, type RetrievalKindOptions } from '@descbench/runner';
import type { CommandFactory, CommandSpec } from './index';
import { scaleOptions, withScaleOptions } from './scale-options';

/**
 * `bench roxf` / `bench rpar`: CSA's supplementary Table 1 on one dataset (the retrieval kind of
 * the replay engine): first stage and + alpha-QE for every feature type that has features, and
 * with --rerank the CSA re-ranker (trained per seed on R-GeM-type rSfM120k features).
 */
function retrievalCommand(command: 'roxf' | 'rpar', dataset: 'roxford5k' | 'rparis6k'): CommandFactory {
  return (setExit): CommandSpec => ({
    command,
    describe: `Replay CSA's Table 1 on revisited ${dataset === 'roxford5k' ? 'Oxford' : 'Paris'}: first stage, + alpha-QE and (--rerank) + CSA per feature type; mAP E/M/H, mP@k`,
    builder: (y) =>
      withScaleOptions(y)
        .option('rerank', { type: 'boolean', default: false, describe: 'Add the re-ranking rows (+ alpha-QE, + CSA trained on R-GeM rSfM120k features)' })
        .option('r1m', { type: 'boolean', default: false, describe: 'Add the R1M distractors (real when under <data root>/revisitop/revisitop1m/features/<type>.npy, else generated)' })
        .option('r1m-layout', { choices: ['rows', 'columns'] as const, default: 'rows' as const, describe: 'Layout of the real R1M .npy files: rows = [N, D], columns = [D, N] (float16/32, streamed into float16 storage)' })
        .option('distractors', { type: 'number', describe: 'Generated R1M distractors (default 20000)' })
        .option('seeds', { type: 'number', describe: 'CSA seeds 1..N (--seeds 5: the Fig. 2 stability study)' })
        .option('rows', { type: 'string', array: true, describe: 'Row ids of csa-supp/table1 (default: every feature type with features)' })
        .option('profile', { choices: ['tiny', 'smoke', 'quick', 'paper'] as const, default: 'tiny' as const, describe: 'Scale of the CSA training (tiny: pipeline check; smoke: learns)' })
        .option('preset', { type: 'string', default: 'csa', describe: "CSA recipe: csa (the code's) or csa-readme" })
        .option('features-dir', { type: 'string', describe: 'Real feature pickles <dir>/<type>.pkl ({db: D x N, query: D x Q}); {name} is replaced by the dataset' })
        .option('engine', { choices: ['onnx', 'usearch', 'js'] as const, default: 'onnx' as const, describe: 'Exact kNN engine' })
        .option('data', { choices: ['auto', 'real', 'synthetic'] as const, default: 'auto' as const, describe: 'Real data, generated data, or real when present (announced)' })
        .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
        .option('results-dir', { type: 'string', default: 'results', describe: 'Where results/<paper>/<table>/ goes' })
        .option('check', { type: 'boolean', default: false, describe: 'Exit 1 when a cell is worse than the paper beyond tolerance' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' }),
    handler: async (a: {
      rerank: boolean; r1m: boolean; r1mLayout: 'rows' | 'columns'; distractors?: number; seeds?: number; rows?: string[]; profile: string; preset: string; featuresDir?: string;
      engine: 'onnx' | 'usearch' | 'js'; data: 'auto' | 'real' | 'synthetic'; dataDir?: string; resultsDir: string; check: boolean; json: boolean; jobs?: number; queue?: string;
    }) => {
      const catalog = loadCatalog();
      const kind: RetrievalKindOptions = {
        datasets: [dataset], rerank: a.rerank, r1m: a.r1m, ...(a.r1mLayout === 'columns' ? { r1mLayout: 'columns' as const } : {}), engine: a.engine, csaPreset: a.preset,
        ...(a.distractors !== undefined ? { distractors: a.distractors } : {}), ...(a.featuresDir !== undefined ? { featuresDir: a.featuresDir } : {}),
      };
      const r = await runReplay(catalog, {
        table: 'csa-supp/table1', profile: a.profile, data: a.data, resultsDir: a.resultsDir, kind: kind as Record<string, unknown>,
        // inline unless --jobs or --queue asks (this command's default since it was written)
        ...(a.jobs === undefined && a.queue === undefined ? { jobs: 1 } : {}),
        ...scaleOptions(a),
        ...(a.rows ? { rows: a.rows } : {}), ...(a.seeds !== undefined ? { seeds: a.seeds } : {}), ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}),
      });
      if (a.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else process.stdout.write(retrievalText(catalog.get(r.table), r));
      if (a.check && r.comparison !== null && r.comparison.exit_code !== 0) setExit(1);
    },
  });
}

export const roxfCommand = retrievalCommand('roxf', 'roxford5k');
export const rparCommand = retrievalCommand('rpar', 'rparis6k');
