import { InputError } from '@descbench/core';
import { mean, std } from '@descbench/metrics';
import type { CellValue, KeyedCell, PlotSpec, ReplayResult } from '../engine/types';

/**
 * The five-seed stability study of CSA's supplementary Fig. 2: the same training repeated with
 * seeds 1..n, each run's numbers (mAP per dataset and protocol) and model fingerprint, summarised
 * per column as per-seed values, mean, sample std, min and max.
 */
export interface SeedRun {
  seed: number;
  /** Column id (e.g. `roxf_medium`) -> value (mAP in %). */
  values: Record<string, number>;
  /** csaFingerprint of the trained weights (distinct seeds must give distinct models). */
  fingerprint?: string;
}

export interface SeedColumnSummary {
  column: string;
  seeds: number[];
  values: number[];
  mean: number;
  /** Sample standard deviation (n - 1); null for one seed. */
  std: number | null;
  min: number;
  max: number;
}

export interface SeedStudy {
  runs: SeedRun[];
  columns: SeedColumnSummary[];
  /** Number of distinct model fingerprints among the runs that have one. */
  distinctModels: number;
}

export function seedStudy(runs: readonly SeedRun[]): SeedStudy {
  if (runs.length === 0) throw new InputError('a seed study needs at least one run');
  const seeds = runs.map((r) => r.seed);
  if (new Set(seeds).size !== seeds.length) throw new InputError(`seed study: seed listed twice (${seeds.join(', ')})`);
  const sorted = [...runs].sort((a, b) => a.seed - b.seed);
  const cols = [...new Set(sorted.flatMap((r) => Object.keys(r.values)))];
  const columns = cols.map((column) => {
    const have = sorted.filter((r) => Number.isFinite(r.values[column]));
    const values = have.map((r) => r.values[column] as number);
    return {
      column,
      seeds: have.map((r) => r.seed),
      values,
      mean: mean(values),
      std: values.length > 1 ? std(values, 'sample') : null,
      min: Math.min(...values),
      max: Math.max(...values),
    };
  });
  const prints = sorted.flatMap((r) => (r.fingerprint !== undefined ? [r.fingerprint] : []));
  return { runs: sorted, columns, distinctModels: new Set(prints).size };
}

/** Fig. 2 as a plot: one point per seed per column, the mean as a tick and mean ± std as a bar. */
export function seedStudyPlot(s: SeedStudy, o: { id: string; title: string; yTitle?: string }): PlotSpec {
  const points = s.columns.flatMap((c) => c.values.map((v, i) => ({ column: c.column, seed: c.seeds[i], value: v })));
  const stats = s.columns.map((c) => ({ column: c.column, mean: c.mean, lo: c.mean - (c.std ?? 0), hi: c.mean + (c.std ?? 0) }));
  const y = { title: o.yTitle ?? 'mAP (%)', scale: { zero: false } };
  return {
    id: o.id,
    title: o.title,
    vegaLite: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: o.title,
      layer: [
        { data: { values: points }, mark: { type: 'point', filled: true }, encoding: { x: { field: 'column', type: 'nominal', title: null }, y: { field: 'value', type: 'quantitative', ...y }, color: { field: 'seed', type: 'nominal' } } },
        { data: { values: stats }, mark: 'rule', encoding: { x: { field: 'column', type: 'nominal' }, y: { field: 'lo', type: 'quantitative', ...y }, y2: { field: 'hi' } } },
        { data: { values: stats }, mark: { type: 'tick', thickness: 2 }, encoding: { x: { field: 'column', type: 'nominal' }, y: { field: 'mean', type: 'quantitative', ...y } } },
      ],
    },
  };
}

/**
 * Seed runs from a finished replay: the values of the cells `pick` selects, merged per seed
 * (e.g. the CSA cells of one feature type on ROxf and RPar give one run per seed with four
 * columns); a cell's `extra.fingerprint`, when present, marks its model.
 */
export function seedRunsFromReplay(r: Pick<ReplayResult, 'cells' | 'values'>, pick: (spec: KeyedCell['spec'], v: CellValue) => boolean): SeedRun[] {
  const bySeed = new Map<number, SeedRun>();
  r.cells.forEach((c, i) => {
    const v = r.values[i]!;
    if (!pick(c.spec, v)) return;
    const run = bySeed.get(c.spec.seed) ?? { seed: c.spec.seed, values: {} };
    Object.assign(run.values, v.values);
    const fp = v.extra?.fingerprint;
    if (typeof fp === 'string') run.fingerprint = fp;
    bySeed.set(c.spec.seed, run);
  });
  return [...bySeed.values()];
}
