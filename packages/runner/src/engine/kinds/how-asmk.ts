import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findSharedDir, InputError, log, parseBackendName } from '@descbench/core';
import { generateRevisitopGnd, LANDMARK_IMAGES_VERSION, readRevisitopGnd, renderDistractorImages, renderLandmarkClusters, renderRevisitopImages, resolveDataRoot, subsetRevisitopGnd, type RevisitopGnd } from '@descbench/datasets';
import { computeMap, evaluateRevisited } from '@descbench/metrics';
import { useTfjsBackend } from '@descbench/models';
import {
  createHowModel,
  grayTensor,
  HOW_PROFILE_SETTINGS,
  HOW_VARIANTS,
  howAsmkScores,
  initHowWhitening,
  parseHowProfile,
  rankByScore,
  trainHow,
  type HowModel,
  type HowProfile,
  type HowVariant,
} from '@descbench/retrieval';
import type { ReferenceTable } from '../../tables/reference-table';
import { dataManifest, type DataManifest } from '../data-manifest';
import type { CellContext, CellSpec, CellValue, ReplayOptions, TableKind } from '../types';

/**
 * The slides' HOW tables (context-slides): "Numerical Results" (HOW, + learnable filter, + GCN,
 * + both), "Kernel size" (learnable filter 3 / 5 / 7) and the state-of-the-art comparison (the
 * HOW row computed, every other row a reference from the papers). One cell per (row, seed):
 * HOW trained on generated rSfM120k-style landmark views (seeded), then local descriptors + ASMK
 * on the generated SfM validation clusters (SFM_val) and on revisited Oxford / Paris images
 * generated for the ground truth (the real gnd_<name>.pkl when at hand, a subset of it at these
 * profiles); the FIRe table's "+ R1M" columns add generated distractor images to each database
 * (a profile-sized stand-in for revisitop1m). The `how` row also scores its own untrained
 * backbone (extra.untrained).
 * Generated images only: the tables it writes are never the paper's results.
 */
const TABLES = {
  numerical: 'context-slides/table-numerical-results',
  kernel: 'context-slides/table-kernel-size',
  fire: 'context-slides/table-fire-comparison',
} as const;

const DATASETS = { roxford5k: 'roxf', rparis6k: 'rpar' } as const;
type DatasetName = keyof typeof DATASETS;

const ROW_VARIANTS: Record<string, HowVariant> = {
  ...HOW_VARIANTS,
  'filter-size-3': { learnableFilter: 3, gcn: false },
  'filter-size-5': { learnableFilter: 5, gcn: false },
  'filter-size-7': { learnableFilter: 7, gcn: false },
};

/** R1M-scale database (ROxf's 4,993 + 1,001,001 distractors) for the Mem (GB) estimate. */
const R1M_DATABASE = 4993 + 1001001;

export interface HowCellSettings {
  [k: string]: unknown;
  profile: HowProfile;
  variant: HowVariant;
  backend: string;
  sfmVal: boolean;
  datasets: { name: DatasetName; gnd: { file: string; manifest: DataManifest } | 'generated' }[];
  memory: boolean;
  /** Generated distractor images added to each database for the "+ R1M" columns (0: not computed). */
  distractors: number;
  untrained: boolean;
  /** The generated images' version (a cell computed on other images is not reused). */
  images: number;
}

function gndRef(name: DatasetName, o: ReplayOptions): HowCellSettings['datasets'][number]['gnd'] {
  const root = resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {});
  const shared = findSharedDir();
  const files = [join(root, 'revisitop', name, `gnd_${name}.pkl`), ...(shared ? [join(shared, 'data', 'revisitop', `gnd_${name}.pkl`)] : [])];
  const f = files.find((x) => existsSync(x));
  return f === undefined ? 'generated' : { file: f, manifest: dataManifest(f) };
}

async function howCells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]> {
  const profile = parseHowProfile(o.profile);
  if (o.data === 'real') throw new InputError(`${t.id}: HOW on the real revisitop / rSfM120k images needs the ONNX ResNet backbone extraction of the jpgs, which this replay does not run; use --data synthetic (generated images on the real ground truth when present)`, { at: '--data' });
  const seeds = o.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`, { at: '--seeds' });
  const computable = t.id === TABLES.fire ? ['how'] : [...t.rows.keys()].filter((r) => r in ROW_VARIANTS);
  const rows = o.rows ?? computable;
  for (const r of rows) {
    if (!t.rows.has(r)) throw new InputError(`table ${t.id} has no row "${r}"; rows: ${[...t.rows.keys()].join(', ')}`, { at: '--rows' });
    if (!computable.includes(r)) throw new InputError(`${t.id}: row "${r}" is a reference from another paper, shown as printed; the computed rows are ${computable.join(', ')}`, { at: '--rows' });
  }
  const backend = (await useTfjsBackend(parseBackendName(o.backend ?? 'wasm'))).backend;
  const datasets = (Object.keys(DATASETS) as DatasetName[]).map((name) => ({ name, gnd: gndRef(name, o) }));
  const sfmVal = t.id !== TABLES.fire;
  const fire = t.id === TABLES.fire;
  const distractors = fire ? HOW_PROFILE_SETTINGS[profile].distractors : 0;
  const columns = [
    ...(sfmVal ? ['sfm_val_map_pct'] : []),
    ...datasets.flatMap((d) => [`${DATASETS[d.name]}_medium_map_pct`, `${DATASETS[d.name]}_hard_map_pct`, ...(fire ? [`${DATASETS[d.name]}_r1m_medium_map_pct`, `${DATASETS[d.name]}_r1m_hard_map_pct`] : [])]),
    ...(fire ? ['mem_gb'] : []),
  ];
  log.info(
    `replaying ${t.id}: ${rows.join(', ')}; ${profile} profile, ${seeds} seed(s), tfjs ${backend}; generated images (${datasets.map((d) => `${d.name} on ${d.gnd === 'generated' ? 'a generated' : 'the real'} ground truth`).join(', ')})` +
      (fire
        ? `; "+ R1M" columns: each database plus ${distractors} generated distractor images (revisitop1m has 1,001,001; this profile scales it down), Mem (GB) extrapolated to 4,993 + 1,001,001 images; FCN and the other rows are the papers' (references only)`
        : ''),
  );
  const specs: CellSpec[] = [];
  for (const row of rows)
    for (let seed = 1; seed <= seeds; seed++) {
      const settings: HowCellSettings = { profile, variant: ROW_VARIANTS[row]!, backend, sfmVal, datasets, memory: fire, distractors, untrained: row === 'how', images: LANDMARK_IMAGES_VERSION };
      specs.push({ kind: 'how-asmk', table: t.id, row, columns, unit: 'all', seed, settings });
    }
  return specs;
}

function loadGnd(name: DatasetName, ref: HowCellSettings['datasets'][number]['gnd']): RevisitopGnd {
  return ref === 'generated' ? generateRevisitopGnd(name) : readRevisitopGnd(ref.file);
}

/**
 * mAP (%) of every evaluation set of a cell's settings for one model: SfM-val over `val`'s
 * clusters (each cluster's first view the query), the revisitop sets' Medium / Hard; `codebook`
 * images train the ASMK codebook. Exported for packages/runner/scripts/how-smoke-curve.js.
 */
export function evaluateHow(m: HowModel, s: HowCellSettings, codebook: Uint8Array[], val: Uint8Array[][]): { values: Record<string, number>; extra: Record<string, unknown> } {
  const P = HOW_PROFILE_SETTINGS[s.profile];
  const opts = { size: P.imageSize, scales: P.scales, topk: P.topk, codebookSize: P.codebookSize, seed: 1 };
  const values: Record<string, number> = {};
  const extra: Record<string, unknown> = {};
  if (s.sfmVal) {
    const queries = val.map((c) => c[0]!);
    const db = val.flatMap((c) => c.slice(1));
    const owner = val.flatMap((c, ci) => c.slice(1).map(() => ci));
    const r = howAsmkScores(m, { codebook, db, queries }, opts);
    const ranks = rankByScore(r.scores);
    const data = new Int32Array(queries.length * db.length);
    ranks.forEach((rk, q) => data.set(rk, q * db.length));
    const gt = val.map((_, ci) => ({ ok: owner.flatMap((o, i) => (o === ci ? [i] : [])) }));
    values.sfm_val_map_pct = 100 * computeMap({ data, depth: db.length, queries: queries.length, layout: 'queries-x-db' }, gt, { dbSize: db.length }).mAP;
  }
  const distractors = s.distractors > 0 ? renderDistractorImages({ count: s.distractors, size: P.imageSize }) : [];
  for (const d of s.datasets) {
    const gnd = subsetRevisitopGnd(loadGnd(d.name, d.gnd), P.revisitop);
    const imgs = renderRevisitopImages(gnd, { dataset: d.name, size: P.imageSize });
    // one index over the database and the distractors: without idf an image's ASMK score does
    // not depend on the other images, so the first N columns are the plain database's scores
    const r = howAsmkScores(m, { codebook, db: [...imgs.db, ...distractors], queries: imgs.queries }, opts);
    const N = imgs.db.length;
    const map = (n: number): ReturnType<typeof evaluateRevisited> => {
      const ranks = rankByScore(r.scores.map((sc) => sc.subarray(0, n)));
      const data = new Int32Array(ranks.length * n);
      ranks.forEach((rk, q) => data.set(rk, q * n));
      return evaluateRevisited({ data, depth: n, queries: ranks.length, layout: 'queries-x-db' }, gnd.gnd, { dbSize: n });
    };
    const col = DATASETS[d.name];
    const e = map(N);
    values[`${col}_medium_map_pct`] = 100 * e.medium.mAP;
    values[`${col}_hard_map_pct`] = 100 * e.hard.mAP;
    if (distractors.length > 0) {
      const e1m = map(N + distractors.length);
      values[`${col}_r1m_medium_map_pct`] = 100 * e1m.medium.mAP;
      values[`${col}_r1m_hard_map_pct`] = 100 * e1m.hard.mAP;
    }
    const bytesPerImage = r.memoryBytes / (N + distractors.length);
    extra[d.name] = { images: N, distractors: distractors.length, queries: imgs.queries.length, bytes_per_image: bytesPerImage, descriptors_per_image: r.meanDescriptors };
    if (s.memory && d.name === 'roxford5k') values.mem_gb = (bytesPerImage * R1M_DATABASE) / 1e9;
  }
  return { values, extra };
}

/** The untrained backbone of a HOW cell: its seeded initial weights, whitening initialised as trainHow does (first two views of every training cluster). */
export function untrainedHow(variant: HowVariant, spec: Parameters<typeof createHowModel>[1], clusters: Uint8Array[][], size: number): HowModel {
  const u = createHowModel(variant, spec);
  const views = clusters.flatMap((v) => v.slice(0, 2).map((x) => grayTensor(x, size, size)));
  initHowWhitening(u, views);
  views.forEach((v) => v.dispose());
  return u;
}

async function howCompute(c: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = c.settings as HowCellSettings;
  await useTfjsBackend(parseBackendName(s.backend));
  const P = HOW_PROFILE_SETTINGS[s.profile];
  const started = Date.now();
  const train = renderLandmarkClusters({ split: 'train', clusters: P.train.clusters, views: P.train.views, size: P.imageSize });
  const val = s.sfmVal ? renderLandmarkClusters({ split: 'val', clusters: P.val.clusters, views: P.val.views, size: P.imageSize }).clusters : [];
  const codebook = train.clusters.map((v) => v[0]!);
  const spec = { backbone: P.backbone, dim: P.dim, seed: c.seed };
  const m = createHowModel(s.variant, spec);
  const t = trainHow(m, train.clusters, P.imageSize, { ...P.train, seed: c.seed, onStep: (i) => ctx.onProgress?.(i + 1, P.train.epochs * Math.floor(P.train.tuples / P.train.batch)) });
  const trained = evaluateHow(m, s, codebook, val);
  const extra: Record<string, unknown> = {
    ...trained.extra,
    variant: s.variant,
    profile: s.profile,
    loss_first: t.losses[0],
    loss_last: t.losses[t.losses.length - 1],
    negative_distance_first: t.negativeDistances[0],
    negative_distance_last: t.negativeDistances[t.negativeDistances.length - 1],
    smoothing: m.smoothing ? { bandwidth: Math.exp(m.smoothing.logBandwidth.dataSync()[0]!), self_confidence: 1 / (1 + Math.exp(-m.smoothing.confidenceLogit.dataSync()[0]!)) } : null,
    seconds: (Date.now() - started) / 1000,
    note: 'generated images; not the paper result',
  };
  if (s.untrained) {
    const before = evaluateHow(untrainedHow(s.variant, spec, train.clusters, P.imageSize), s, codebook, val).values;
    extra.untrained = before;
    const fmt = (v: Record<string, number>): string => Object.entries(v).map(([k, x]) => `${k.replace(/_map_pct$/, '')} ${x.toFixed(1)}`).join(', ');
    log.info(`${c.row} seed ${c.seed}: trained ${fmt(trained.values)}; its untrained backbone ${fmt(before)} (mAP %)`);
  }
  return { values: trained.values, data: 'synthetic', extra };
}

export const howAsmkKind: TableKind = {
  id: 'how-asmk',
  tables: [TABLES.numerical, TABLES.kernel, TABLES.fire],
  cells: howCells,
  compute: howCompute,
};
