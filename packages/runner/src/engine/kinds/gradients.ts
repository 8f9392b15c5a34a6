import { join } from 'node:path';
import { InputError, log, parseBackendName } from '@descbench/core';
import { resolveDataRoot, resolveUbcSubset, UBC_SUBSETS, type DataChoice } from '@descbench/datasets';
import { parseFpr95Convention } from '@descbench/metrics';
import { useTfjsBackend } from '@descbench/models';
import type { ReferenceTable } from '../../tables/reference-table';
import { hybridGradients, similarityGradients, thetaGrid, type GradientCurve } from '../../gradients/gradient-magnitude';
import { optionGrid, trainAndTrack, type CurvePoint, type LossSetting } from '../../gradients/loss-sweep';
import { sampleThetas, shareBelowRightAngle, thetaHistogram } from '../../gradients/theta-distribution';
import { descriptorOrigin, libertyDescriptor, type DescriptorOrigin } from '../../hpatches/liberty-descriptor';
import { parseProfile, PROFILE_SCALES, TRAINING_PRESETS, type Profile } from '../../training/presets';
import { loadUbcSubset } from '../../training/ubc-training-data';
import { assertOneDataKind } from '../data-kind';
import { dataManifest } from '../data-manifest';
import type { CellContext, CellSpec, CellValue, DataKind, PlotSpec, ReplayOptions, ReplayResult, TableKind } from '../types';

/** Options of the gradients kind (`ReplayOptions.kind`). */
export interface GradientsKindOptions {
  /** Patches per generated UBC subset (default 1,024). */
  patches?: number;
  /** `<dir>/<arch>/<file name of the official URL>` (default `<data root>/weights`). */
  weightsDir?: string;
  /** `train`: train HardNet and SOSNet here even where official Liberty weights are present (Fig. 2(a)). */
  weights?: 'auto' | 'train';
}

const UBC_PATCHES = 1024;
/** Points of the analytic curves over theta in [0, pi/2]. */
const THETA_POINTS = 91;
/** The alphas of Fig. 5(b): 0 gives g_d, +inf gives g_s, 2 is HyNet's. */
export const FIG5B_ALPHAS: readonly number[] = [0, 0.5, 1, 2, 4, 8, Infinity];

/**
 * Fig. 2(a) sampling per profile. The paper: 1K batches of 1024 pairs, 512 triplets from each
 * (its text says 512K pairs; 512 triplets x 1K batches hold 1,024K pairs: the record counts what is sampled).
 */
const THETA_SAMPLING: Record<Profile, { batches: number; batchSize: number; triplets: number }> = {
  tiny: { batches: 4, batchSize: 32, triplets: 16 },
  smoke: { batches: 16, batchSize: 128, triplets: 64 },
  quick: { batches: 100, batchSize: 512, triplets: 256 },
  paper: { batches: 1000, batchSize: 1024, triplets: 512 },
};

/** Fig. 5 grid searches per profile (the paper's grid is not printed; its winners are in the reference). */
const GRIDS: Record<'small' | 'medium' | 'paper', Record<'hynet_best' | 'loss_a' | 'loss_b', Record<string, number[]>>> = {
  small: {
    hynet_best: { alpha: [1, 2], margin: [1.0, 1.2] },
    loss_a: { margin: [0.8, 1.0] },
    loss_b: { alpha: [1, 2], marginS: [0.9], marginD: [1.0, 1.2] },
  },
  medium: {
    hynet_best: { alpha: [0.5, 1, 2, 4], margin: [0.8, 1.0, 1.2, 1.4] },
    loss_a: { margin: [0.6, 0.8, 1.0, 1.2] },
    loss_b: { alpha: [1, 2], marginS: [0.7, 0.9], marginD: [1.0, 1.2] },
  },
  paper: {
    hynet_best: { alpha: [0.5, 1, 2, 4, 8], margin: [0.6, 0.8, 1.0, 1.2, 1.4, 1.6] },
    loss_a: { margin: [0.6, 0.8, 1.0, 1.2, 1.4] },
    loss_b: { alpha: [1, 2, 4], marginS: [0.5, 0.7, 0.9, 1.1], marginD: [0.8, 1.0, 1.2, 1.4] },
  },
};
const gridOf = (p: Profile): (typeof GRIDS)['small'] => GRIDS[p === 'tiny' ? 'small' : p === 'paper' ? 'paper' : 'medium'];

/** Fig. 5 rows: the loss each row trains and how its options map to the reference columns. */
const FIG5_LOSS: Record<string, { loss: string; columns: Record<string, string> }> = {
  hynet_best: { loss: 'hynet', columns: { alpha: 'alpha', margin: 'margin' } },
  loss_a: { loss: 'hynet-a', columns: { margin: 'margin' } },
  loss_b: { loss: 'hynet-b', columns: { alpha: 'alpha', marginS: 'margin_b1', marginD: 'margin_b2' } },
};

interface UbcRef {
  kind: DataKind;
  manifest: ReturnType<typeof dataManifest>;
}

/** Everything a gradients cell reads and does; all of it is in the cell's key. */
export interface GradientsCellSettings {
  [k: string]: unknown;
  figure: 'fig2' | 'fig5';
  profile: Profile;
  backend: string;
  thetaPoints: number;
  /** fig2: HardNet and SOSNet, official or trained. */
  descriptors: { model: string; origin: DescriptorOrigin; weights: { file: string; manifest: ReturnType<typeof dataManifest> } | null }[];
  sampling: (typeof THETA_SAMPLING)[Profile] | null;
  /** fig5: the loss, its grid, the recipe it trains with, the FPR@95 convention. */
  sweep: { loss: string; grid: Record<string, number[]>; recipe: Record<string, unknown>; convention: string } | null;
  ubcPatches: number | null;
  data: { kind: DataKind; subsets: Record<string, UbcRef> };
}

function selectRows(t: ReferenceTable, o: ReplayOptions, replayable: string[]): string[] {
  if (o.rows === undefined || o.rows.length === 0) return replayable;
  for (const r of o.rows) if (!replayable.includes(r)) throw new InputError(`table ${t.id} has no replayable row "${r}"; rows: ${replayable.join(', ')}`, { at: '--rows' });
  return o.rows;
}

async function gradientsCells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]> {
  const ko = (o.kind ?? {}) as GradientsKindOptions;
  const figure = t.id === 'hynet/fig2' ? 'fig2' : t.id === 'hynet/fig5' ? 'fig5' : undefined;
  if (figure === undefined) throw new InputError(`${t.id} is not a gradient-statistics figure of this kind`);
  const profile = parseProfile(o.profile);
  const seeds = o.seeds ?? t.spec.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`);
  const backend = (await useTfjsBackend(parseBackendName(o.backend ?? 'auto'))).backend;
  const dataDir = o.dataDir !== undefined ? { dataDir: o.dataDir } : {};
  const choice: DataChoice | undefined = o.data;
  const patches = ko.patches ?? UBC_PATCHES;
  const manifestCache = { cacheDir: join(resolveDataRoot(dataDir), '.manifests') };
  const used = figure === 'fig2' ? (['liberty'] as const) : UBC_SUBSETS;
  const subsets: Record<string, UbcRef> = {};
  for (const s of used) {
    const d = resolveUbcSubset(s, { ...(choice ? { data: choice } : {}), ...dataDir, patches });
    subsets[s] = { kind: d.kind, manifest: dataManifest(d.dir, manifestCache) };
  }
  const kind = assertOneDataKind(t.id, Object.entries(subsets).map(([s, r]) => ({ what: `UBC ${s}`, data: r.kind })));
  const rows = selectRows(t, o, figure === 'fig2' ? ['theta_sampling'] : Object.keys(FIG5_LOSS).filter((r) => t.rows.has(r)));
  log.info(`replaying ${t.id}: ${rows.join(', ')}; ${profile} profile, ${kind === 'real' ? 'real' : 'generated'} UBC data, tfjs ${backend}`);
  const weightsDir = ko.weightsDir ?? join(resolveDataRoot(dataDir), 'weights');
  const base = { profile, backend, thetaPoints: THETA_POINTS, ubcPatches: kind === 'synthetic' ? patches : null, data: { kind, subsets } };
  const specs: CellSpec[] = [];
  for (const row of rows) {
    const cols = t.numericColumns.map((c) => c.id);
    if (figure === 'fig2') {
      const descriptors = ['hardnet', 'sosnet'].map((model) => {
        const src = descriptorOrigin({ model }, { weightsDir, weights: ko.weights ?? 'auto' });
        return { model, origin: src.origin, weights: src.file !== undefined ? { file: src.file, manifest: dataManifest(src.file, manifestCache) } : null };
      });
      const n = descriptors.some((d) => d.origin === 'trained') ? seeds : 1;
      for (let seed = 1; seed <= n; seed++) {
        const settings: GradientsCellSettings = { ...base, figure, descriptors, sampling: THETA_SAMPLING[profile], sweep: null };
        specs.push({ kind: 'gradients', table: t.id, row, columns: cols, unit: 'hardnet-sosnet', seed, settings });
      }
    } else {
      const def = FIG5_LOSS[row]!;
      const recipe = { ...TRAINING_PRESETS.hynet!, scale: PROFILE_SCALES[profile] };
      const grid = gridOf(profile)[row as keyof ReturnType<typeof gridOf>];
      for (let seed = 1; seed <= seeds; seed++) {
        const settings: GradientsCellSettings = {
          ...base,
          figure,
          descriptors: [],
          sampling: null,
          sweep: { loss: def.loss, grid, recipe, convention: t.spec.metric?.convention ?? 'hynet' },
        };
        specs.push({ kind: 'gradients', table: t.id, row, columns: Object.values(def.columns), unit: def.loss, seed, settings });
      }
    }
  }
  return specs;
}

const src = (s: GradientsCellSettings, ctx: CellContext): { data: DataKind; dataDir?: string; patches?: number } => ({
  data: s.data.kind,
  ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
  ...(s.ubcPatches !== null ? { patches: s.ubcPatches } : {}),
});

async function fig2Compute(c: CellSpec, s: GradientsCellSettings, ctx: CellContext): Promise<CellValue> {
  const lib = loadUbcSubset('liberty', src(s, ctx));
  const sampling = s.sampling!;
  const curves = similarityGradients(thetaGrid(s.thetaPoints));
  const thetas: Record<string, { origin: DescriptorOrigin; positives: number[]; negatives: number[]; share_pos_below_pi2: number; share_neg_below_pi2: number }> = {};
  let pos = 0;
  let neg = 0;
  for (const d of s.descriptors) {
    const got = await libertyDescriptor({ model: d.model }, { profile: s.profile, seed: c.seed, ...src(s, ctx), workDir: join(ctx.workDir, d.model), ...(d.weights !== null ? { officialFile: d.weights.file } : {}) });
    try {
      const x = await sampleThetas(got.descriptor, lib.ds.patches, lib.ds.pointIds, { ...sampling, seed: c.seed });
      pos += x.positives.length;
      neg += x.negatives.length;
      thetas[d.model] = {
        origin: got.origin,
        positives: Array.from(x.positives),
        negatives: Array.from(x.negatives),
        share_pos_below_pi2: shareBelowRightAngle(x.positives),
        share_neg_below_pi2: shareBelowRightAngle(x.negatives),
      };
    } finally {
      got.descriptor.dispose();
    }
  }
  const perDescriptor = s.descriptors.length;
  return {
    values: {
      descriptor_pairs_k: (pos + neg) / perDescriptor / 1000,
      positive_share_pct: (100 * pos) / (pos + neg),
      triplets_per_batch_count: sampling.triplets,
      batches_k: sampling.batches / 1000,
      batch_size_count: sampling.batchSize,
    },
    data: s.data.kind,
    extra: { curves, thetas, backend: s.backend },
  };
}

async function fig5Compute(c: CellSpec, s: GradientsCellSettings, ctx: CellContext): Promise<CellValue> {
  const sw = s.sweep!;
  const def = Object.values(FIG5_LOSS).find((f) => f.loss === sw.loss)!;
  const runs: { setting: LossSetting; final: number; curve: CurvePoint[] }[] = [];
  for (const options of optionGrid(sw.grid)) {
    const r = await trainAndTrack(
      { loss: sw.loss, options }, // the loss's own defaults for the rest (gamma 0.1, ...)
      { model: 'hynet', preset: 'hynet', profile: s.profile, seed: c.seed, ...src(s, ctx), convention: parseFpr95Convention(sw.convention), workDir: ctx.workDir },
    );
    runs.push({ setting: r.setting, final: r.final, curve: r.curve });
  }
  // The best setting: lowest mean FPR@95 on Notre Dame and Yosemite; ties to the first in grid order.
  const best = runs.reduce((b, r) => (r.final < b.final ? r : b), runs[0]!);
  const values: Record<string, number> = {};
  for (const [opt, col] of Object.entries(def.columns)) values[col] = best.setting.options[opt] as number;
  const extra: Record<string, unknown> = { grid: runs.map((r) => ({ options: r.setting.options, fpr95_mean: r.final })), best_curve: best.curve, backend: s.backend };
  if (sw.loss === 'hynet') extra.hybrid_gradients = hybridGradients(thetaGrid(s.thetaPoints), FIG5B_ALPHAS).map((g) => ({ ...g }));
  return { values, data: s.data.kind, extra };
}

async function gradientsCompute(c: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = c.settings as GradientsCellSettings;
  await useTfjsBackend(parseBackendName(s.backend));
  return s.figure === 'fig2' ? fig2Compute(c, s, ctx) : fig5Compute(c, s, ctx);
}

/** A figure's data as CSV tables (name -> rows), from a finished replay's cells. */
export function gradientsFigureData(r: Pick<ReplayResult, 'cells' | 'values'>): Record<string, Record<string, string | number>[]> {
  const out: Record<string, Record<string, string | number>[]> = {};
  const push = (name: string, row: Record<string, string | number>): void => {
    (out[name] ??= []).push(row);
  };
  r.values.forEach((v, i) => {
    const spec = r.cells[i]!.spec;
    const seed = spec.seed;
    const x = v.extra ?? {};
    for (const g of (x.curves ?? []) as GradientCurve[]) g.theta.forEach((th, k) => push('gradient_magnitude', { seed, measure: g.measure, theta: th, theta_deg: (180 * th) / Math.PI, magnitude: g.magnitude[k]! }));
    for (const g of (x.hybrid_gradients ?? []) as GradientCurve[]) g.theta.forEach((th, k) => push('hybrid_gradient_magnitude', { seed, measure: g.measure, theta: th, theta_deg: (180 * th) / Math.PI, magnitude: g.magnitude[k]! }));
    for (const [model, d] of Object.entries((x.thetas ?? {}) as Record<string, { origin: string; positives: number[]; negatives: number[] }>)) {
      for (const [pairs, vals] of [['positive', d.positives], ['hardest negative', d.negatives]] as const) {
        const h = thetaHistogram(vals);
        h.counts.forEach((n, k) => push('theta_histogram', { seed, descriptor: model, origin: d.origin, pairs, theta_lo: h.edges[k]!, theta_hi: h.edges[k + 1]!, theta_mid_deg: (90 * (h.edges[k]! + h.edges[k + 1]!)) / Math.PI, count: n }));
      }
    }
    for (const g of (x.grid ?? []) as { options: Record<string, number>; fpr95_mean: number }[]) {
      push('grid_search', { seed, row: spec.row, loss: spec.unit, ...Object.fromEntries(Object.entries(g.options).map(([k, val]) => [k, val])), fpr95_mean_pct: g.fpr95_mean });
    }
    for (const p of (x.best_curve ?? []) as CurvePoint[]) push('training_curves', { seed, row: spec.row, loss: spec.unit, epoch: p.epoch, steps: p.steps, fpr95_notredame_pct: p.notredame, fpr95_yosemite_pct: p.yosemite, fpr95_mean_pct: p.mean });
  });
  return out;
}

const VL = 'https://vega.github.io/schema/vega-lite/v5.json';

function gradientsPlots(r: ReplayResult, t: ReferenceTable): PlotSpec[] {
  const d = gradientsFigureData(r);
  const note = r.data === 'synthetic' ? ' (generated data: pipeline check only)' : '';
  const line = (id: string, title: string, values: unknown[], y: string, color: string): PlotSpec => ({
    id,
    title,
    vegaLite: {
      $schema: VL,
      data: { values },
      mark: 'line',
      encoding: {
        x: { field: 'theta_deg', type: 'quantitative', title: 'θ (degrees)' },
        y: { field: y, type: 'quantitative', title: 'gradient magnitude' },
        color: { field: color, type: 'nominal', title: null },
      },
    },
  });
  const plots: PlotSpec[] = [];
  if (t.id === 'hynet/fig2') {
    plots.push({
      id: 'hynet-fig2-a',
      title: `HyNet Fig. 2(a): θ of positive pairs and hardest negatives${note}`,
      vegaLite: {
        $schema: VL,
        data: { values: d.theta_histogram ?? [] },
        facet: { column: { field: 'descriptor', type: 'nominal', title: null } },
        spec: {
          mark: 'bar',
          encoding: {
            x: { field: 'theta_mid_deg', type: 'quantitative', bin: { binned: true, step: 2 }, title: 'θ (degrees)' },
            y: { field: 'count', type: 'quantitative', stack: null, title: 'pairs' },
            color: { field: 'pairs', type: 'nominal', title: null },
            opacity: { value: 0.6 },
          },
        },
      },
    });
    plots.push(line('hynet-fig2-b', 'HyNet Fig. 2(b): gradient magnitude of s and d against θ (autograd)', d.gradient_magnitude ?? [], 'magnitude', 'measure'));
  } else {
    plots.push({
      id: 'hynet-fig5-a',
      title: `HyNet Fig. 5(a): grid search of α and m, FPR@95 averaged on Notre Dame and Yosemite${note}`,
      vegaLite: {
        $schema: VL,
        data: { values: (d.grid_search ?? []).filter((g) => g.row === 'hynet_best') },
        mark: 'rect',
        encoding: {
          x: { field: 'alpha', type: 'ordinal', title: 'α' },
          y: { field: 'margin', type: 'ordinal', title: 'm' },
          color: { field: 'fpr95_mean_pct', type: 'quantitative', title: 'FPR@95 (%)', scale: { reverse: true } },
        },
      },
    });
    plots.push(line('hynet-fig5-b', 'HyNet Fig. 5(b): gradient magnitude of s_H for several α (autograd)', d.hybrid_gradient_magnitude ?? [], 'magnitude', 'measure'));
    plots.push({
      id: 'hynet-fig5-c',
      title: `HyNet Fig. 5(c): training curves of L_A, L_B and the HyNet loss${note}`,
      vegaLite: {
        $schema: VL,
        data: { values: d.training_curves ?? [] },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'steps', type: 'quantitative', title: 'training steps' },
          y: { field: 'fpr95_mean_pct', type: 'quantitative', title: 'FPR@95 (%), mean of Notre Dame and Yosemite' },
          color: { field: 'loss', type: 'nominal', title: null },
        },
      },
    });
  }
  return plots;
}

/** HyNet Fig. 2 (θ distribution, g_s and g_d) and Fig. 5 (α / m grid search, g_H, L_A / L_B curves). */
export const gradientsKind: TableKind = {
  id: 'gradients',
  tables: ['hynet/fig2', 'hynet/fig5'],
  cells: gradientsCells,
  compute: gradientsCompute,
  plots: gradientsPlots,
};
