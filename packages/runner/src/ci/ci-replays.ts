import { tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Registry } from '@descbench/core';
import { runReplay } from '../engine/replay';
import type { ReferenceTable } from '../tables/reference-table';
import type { CiReplay, CiReplayRunner } from './replay-check';

/**
 * The replays `bench ci` runs, at --profile tiny on generated data (never the real datasets, so
 * every machine computes the same numbers): the smallest selection that still runs every code
 * path of each table kind, with two seeds (the fewest that give a std, and the Welch marks).
 * Measured here: 2.7 CPU-minutes for the whole of `bench ci` (24 UBC trainings of a few CPU
 * seconds, SIFT, the CSA model cached; about 1.5 CPU-minutes more to generate its data and train
 * it on a fresh machine): about 2 minutes on 2 free cores with --jobs 2 (the budget of `bench ci`
 * is about 8 minutes; the whole of .ci/run, 30).
 *
 * A new table kind adds its smallest replay here, with its reason.
 */
export const CI_REPLAYS: CiReplay[] = [
  {
    table: 'solar-supp/table1',
    rows: ['sosnet+', 'sosnet+soa3'],
    seeds: 2,
    why: 'ubc kind, SOSNet recipe with and without an SOA block (the insertion path and Extra Params), SOSNet+ as the Welch baseline row; every training subset, so each train->test column and the derived Mean column are compared',
  },
  {
    table: 'hynet/table1',
    rows: ['sift', 'hardnet', 'hynet'],
    seeds: 2,
    why: 'ubc kind, the hand-crafted path (SIFT, evaluated only) and the two other recipes (HardNet: SGD; HyNet: its hybrid loss and FRN network)',
  },
  {
    table: 'csa-supp/table1',
    rows: ['r-gem-o', 'r-gem-o+ours'],
    seeds: 2,
    kind: { datasets: ['roxford5k'] },
    why: 'retrieval kind, the first stage (search, alpha-QE) and the CSA re-ranker trained at tiny (two seeds) on one feature type; Oxford only, Paris runs the same code',
  },
];

export interface EngineRunnerOptions {
  /** Worker processes (runReplay's --jobs; default: the machine's cores); 1 runs inline. */
  jobs?: number;
  /** Where the CI replays' results and reports go (default results/ci beside benchmarks/). */
  resultsDir: string;
  backend?: string;
}

/** The replay engine as `bench ci`'s runner: tiny profile, generated data, the record's CSV back. */
export function engineReplayRunner(catalog: Registry<ReferenceTable>, o: EngineRunnerOptions): CiReplayRunner {
  return async (r: CiReplay) => {
    const backend = o.backend ?? 'auto';
    const workRoot = mkdtempSync(join(tmpdir(), 'descbench-ci-work-'));
    // The same inputs on every machine: no ../shared (generated retrieval data would take the real
    // gnd structure from it) and no official weights (a row would be evaluated instead of
    // trained); set before the replay's pool processes start, which inherit it.
    const savedShared = process.env.DESCBENCH_SHARED;
    process.env.DESCBENCH_SHARED = join(workRoot, 'no-shared');
    try {
      const kind = { weightsDir: join(workRoot, 'no-weights'), ...(r.kind ?? {}) };
      const out = await runReplay(catalog, {
        table: r.table, profile: 'tiny', data: 'synthetic', seeds: r.seeds, rows: r.rows, backend, resultsDir: resolve(o.resultsDir), kind,
        ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
      });
      return { csv: readFileSync(out.files.csv, 'utf8'), record: out.files.html ?? out.files.json };
    } finally {
      if (savedShared === undefined) delete process.env.DESCBENCH_SHARED;
      else process.env.DESCBENCH_SHARED = savedShared;
      rmSync(workRoot, { recursive: true, force: true });
    }
  };
}
