import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findSharedDir, InputError, log } from '@descbench/core';
import {
  GENERATED_FEATURE_TYPES,
  generateR1mFeatures,
  RETRIEVAL_FAMILY_VERSION,
  readRevisitopGnd,
  resolveDataRoot,
  resolveGeneratedRetrieval,
  resolveGeneratedRsfm,
  RSFM_GENERATOR_DEFAULTS,
  type RevisitopGnd,
} from '@descbench/datasets';
import { useTfjsBackend } from '@descbench/models';
import { csaFingerprint, parseCsaProfile, KNN_ENGINES, type CsaProfile, type KnnEngine } from '@descbench/retrieval';
import type { ReferenceTable } from '../../tables/reference-table';
import { trainedCsaModel } from '../../retrieval/csa-model';
import { loadRevisitopFeatures, type LoadedFeatures } from '../../retrieval/features-in';
import { retrieve, type ProtocolScores, type RetrievalMethod } from '../../retrieval/retrieve';
import { seedStudy, seedStudyPlot, type SeedRun } from '../../retrieval/seed-study';
import { dataManifest, type DataManifest } from '../data-manifest';
import type { CellContext, CellSpec, CellValue, DataKind, PlotSpec, ReplayOptions, ReplayResult, TableKind } from '../types';

/**
 * CSA's supplementary Table 1 on revisited Oxford / Paris (`bench roxf`, `bench rpar`): for every
 * feature type that has features, the first stage (+ alpha-QE, in the cell's extra) and, with
 * `rerank`, the "+Ours" row: the CSA re-ranker trained on the R-GeM-type rSfM120k training
 * features (one model per seed, shared by all feature types and both datasets) applied to that
 * type's first-stage ranking. Each cell writes its full ranking(s) in revisitop's layout
 * (`.npy` int32 `[N, Q]`) under `<results>/csa-supp/table1/ranks/`, for `bench eval-ranks`.
 *
 * Data: real ground truth (`<data root>/revisitop/<name>/gnd_<name>.pkl`) with the features found
 * at `<features dir>/<type>.pkl` (`{'db': D x N, 'query': D x Q}`; default dir
 * `<data root>/revisitop/<name>/features`); otherwise the generated default
 * (`resolveGeneratedRetrieval`: every feature type, on the real gnd structure when one is at hand).
 * R1M distractors: `<data root>/revisitop/revisitop1m/features/<type>.npy` (real: `[N, D]`, or
 * `[D, N]` with `r1mLayout: 'columns'`; float16/32, streamed into float16 storage) or generated ones.
 */
export interface RetrievalKindOptions {
  /** `roxford5k`, `rparis6k` or both (default both). */
  datasets?: string[];
  /** Add the re-ranking rows (+alpha-QE in the extra, +CSA rows). */
  rerank?: boolean;
  /** Add the R1M distractors. */
  r1m?: boolean;
  /** Layout of the real R1M `.npy` files: `rows` = `[N, D]` (default), `columns` = `[D, N]`. */
  r1mLayout?: 'rows' | 'columns';
  /** Generated distractors when the real ones are absent (default 20,000). */
  distractors?: number;
  /** Where real feature pickles are (`<dir>/<type>.pkl`), per dataset name or one for all. */
  featuresDir?: string;
  /** CSA training recipe (`csa`, `csa-readme`). */
  csaPreset?: string;
  engine?: KnnEngine;
  /** alpha-QE top n and exponent (defaults 10 and 3). */
  qeN?: number;
  qeAlpha?: number;
}

const TABLE = 'csa-supp/table1';
const DATASETS = { roxford5k: 'roxf', rparis6k: 'rpar' } as const;
type DatasetName = keyof typeof DATASETS;
/**
 * Generated rSfM120k-style training data of the replay per CSA profile. `tiny` (a pipeline check)
 * trains on about 2,500 images; from `smoke` on, the generator's default of about 5,800 (250
 * clusters of 5-40 images): measured with the real gnd structure, smoke's model trained on the
 * smaller set stayed below alpha-QE on roxford5k (55.3 / 39.2 vs 57.1 / 41.0 mAP M / H), on the
 * default set it passes it (58.5 / 41.8), for about twice the training time.
 */
function replayRsfm(profile: CsaProfile): { trainClusters: number; valClusters: number; clusterSize: [number, number] } {
  return profile === 'tiny' ? { trainClusters: 150, valClusters: 40, clusterSize: [5, 30] } : RSFM_GENERATOR_DEFAULTS;
}
const DEFAULT_DISTRACTORS = 20000;

interface DatasetRef {
  name: DatasetName;
  kind: DataKind;
  gnd: { file: string; manifest: DataManifest };
  /** Feature type -> pickle. */
  features: Record<string, { file: string; manifest: DataManifest }>;
  r1m: Record<string, R1mRef> | null;
  structure: string;
}

/** One distractor feature file; `layout` is present for `[D, N]` files only. */
interface R1mRef {
  file: string;
  manifest: DataManifest;
  layout?: 'columns';
}

/** What a retrieval cell reads and does; all of it is in the cell's key. */
export interface RetrievalCellSettings {
  [k: string]: unknown;
  dataset: DatasetName;
  featureType: string;
  method: 'first' | 'csa';
  data: { kind: DataKind; gnd: DatasetRef['gnd']; features: { file: string; manifest: DataManifest }; r1m: R1mRef | null; structure: string };
  csa: { preset: string; profile: CsaProfile; training: { file: string; manifest: DataManifest } | 'generated' } | null;
  qe: { n: number; alpha: number };
  engine: KnnEngine;
  ranksDir: string;
}

function datasetNames(o: RetrievalKindOptions): DatasetName[] {
  const names = o.datasets ?? Object.keys(DATASETS);
  for (const n of names) if (!(n in DATASETS)) throw new InputError(`unknown dataset "${n}"; expected roxford5k or rparis6k`, { at: '--datasets' });
  return names as DatasetName[];
}

/** The rows of the table for a feature type: `<type>` and `<type>+ours`. */
function typeRows(t: ReferenceTable): string[] {
  return [...t.rows.keys()].filter((r) => !r.endsWith('+ours'));
}

function resolveDataset(name: DatasetName, o: ReplayOptions, ko: RetrievalKindOptions, types: string[]): DatasetRef {
  const root = resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {});
  const realGnd = join(root, 'revisitop', name, `gnd_${name}.pkl`);
  const data = o.data ?? 'auto';
  if (data === 'real' && !existsSync(realGnd)) {
    throw new InputError(`revisited ${name} is missing under ${join(root, 'revisitop', name)}; fetch it with: pnpm bench fetch ${name} --data-dir ${root} (or use --data synthetic)`, { at: '--data' });
  }
  const featuresDir = ko.featuresDir !== undefined ? resolve(ko.featuresDir.replace('{name}', name)) : join(root, 'revisitop', name, 'features');
  const realFeatures = Object.fromEntries(types.filter((ty) => existsSync(join(featuresDir, `${ty}.pkl`))).map((ty) => [ty, join(featuresDir, `${ty}.pkl`)]));
  if (data !== 'synthetic' && existsSync(realGnd) && Object.keys(realFeatures).length > 0) {
    const features = Object.fromEntries(Object.entries(realFeatures).map(([ty, f]) => [ty, { file: f, manifest: dataManifest(f) }]));
    const missing = types.filter((ty) => !(ty in features));
    if (missing.length > 0) log.warn(`${name}: no features for ${missing.join(', ')} under ${featuresDir} (<type>.pkl); those rows are not replayed`);
    let r1m: DatasetRef['r1m'] = null;
    if (ko.r1m) {
      const dir = join(root, 'revisitop', 'revisitop1m', 'features');
      r1m = Object.fromEntries(
        Object.keys(features).map((ty) => {
          const f = join(dir, `${ty}.npy`);
          if (!existsSync(f)) throw new InputError(`--r1m: no R1M distractor features for ${ty} at ${f} (${ko.r1mLayout === 'columns' ? '[D, N]' : '[N, D]'} .npy)`, { at: '--r1m' });
          return [ty, { file: f, manifest: dataManifest(f), ...(ko.r1mLayout === 'columns' ? { layout: 'columns' as const } : {}) }];
        }),
      );
    }
    return { name, kind: 'real', gnd: { file: realGnd, manifest: dataManifest(realGnd) }, features, r1m, structure: 'real' };
  }
  if (data === 'real') throw new InputError(`revisited ${name}: no feature files under ${featuresDir} (expected <type>.pkl for ${types.join(', ')}); pass --features-dir`, { at: '--features-dir' });
  const shared = findSharedDir();
  const g = resolveGeneratedRetrieval(name, { ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), types, ...(shared ? { gndFile: join(shared, 'data', 'revisitop', `gnd_${name}.pkl`) } : {}) });
  let r1m: DatasetRef['r1m'] = null;
  if (ko.r1m) {
    const count = ko.distractors ?? DEFAULT_DISTRACTORS;
    if (!Number.isInteger(count) || count < 1) throw new InputError(`--distractors must be a positive integer, got ${count}`, { at: '--distractors' });
    const r1mRoot = join(root, 'synthetic', `r1m-v${RETRIEVAL_FAMILY_VERSION}-${count}`);
    const files = types.map((ty) => join(r1mRoot, 'revisitop1m', 'features', `${ty}.npy`));
    const made = files.every((f) => existsSync(f)) ? Object.fromEntries(types.map((ty, i) => [ty, files[i]!])) : generateR1mFeatures(r1mRoot, { count, types });
    r1m = Object.fromEntries(Object.entries(made).map(([ty, f]) => [ty, { file: f, manifest: dataManifest(f) }]));
  }
  return {
    name,
    kind: 'synthetic',
    gnd: { file: g.gndFile, manifest: dataManifest(g.gndFile) },
    features: Object.fromEntries(Object.entries(g.featureFiles).map(([ty, f]) => [ty, { file: f, manifest: dataManifest(f) }])),
    r1m,
    structure: g.structure,
  };
}

async function retrievalCells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]> {
  const ko = (o.kind ?? {}) as RetrievalKindOptions;
  const names = datasetNames(ko);
  const engine = ko.engine ?? 'onnx';
  if (!KNN_ENGINES.includes(engine)) throw new InputError(`unknown kNN engine "${engine}"; expected ${KNN_ENGINES.join(', ')}`, { at: '--engine' });
  const profile = parseCsaProfile(o.profile);
  const seeds = o.seeds ?? t.spec.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`, { at: '--seeds' });
  const known = typeRows(t);
  const generatedTypes = GENERATED_FEATURE_TYPES.map((x) => x.id).filter((x) => known.includes(x));
  let rows = o.rows ?? known;
  for (const r of rows) if (!t.rows.has(r)) throw new InputError(`table ${t.id} has no row "${r}"; rows: ${[...t.rows.keys()].join(', ')}`, { at: '--rows' });
  // a "+ours" row needs its first stage; asking for it implies --rerank
  const wantRerank = ko.rerank === true || rows.some((r) => r.endsWith('+ours'));
  const types = [...new Set(rows.map((r) => r.replace(/\+ours$/, '')))].filter((ty) => generatedTypes.includes(ty) || known.includes(ty));
  const refs = names.map((n) => resolveDataset(n, o, ko, types));
  const kinds = new Set(refs.map((r) => r.kind));
  if (kinds.size > 1) throw new InputError(`${t.id}: real and generated data would be mixed (${refs.map((r) => `${r.name}: ${r.kind}`).join(', ')}); pass --data synthetic or fetch the missing data`, { at: '--data' });
  const kind = refs[0]!.kind;
  const root = resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {});
  let training: NonNullable<RetrievalCellSettings['csa']>['training'] = 'generated';
  if (wantRerank && kind === 'real') {
    const f = join(root, 'rsfm120k', 'features', 'r-gem.pkl');
    const meta = join(root, 'rsfm120k', 'retrieval-SfM-120k.pkl');
    if (!existsSync(f) || !existsSync(meta)) {
      throw new InputError(`--rerank on real data needs the R-GeM rSfM120k training features at ${f} ({'train': D x N, 'val': D x M}) and ${meta} (bench fetch rsfm120k)`, { at: '--rerank' });
    }
    training = { file: f, manifest: dataManifest(f) };
  }
  if (wantRerank && kind === 'synthetic') resolveGeneratedRsfm({ ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), ...replayRsfm(profile), types: ['r-gem'] });
  const ranksDir = resolve(o.resultsDir ?? 'results', t.id, 'ranks');
  const qe = { n: ko.qeN ?? 10, alpha: ko.qeAlpha ?? 3 };
  const specs: CellSpec[] = [];
  for (const ref of refs) {
    const col = DATASETS[ref.name];
    const columns = [`${col}_medium_map_pct`, `${col}_hard_map_pct`];
    for (const ty of types) {
      const f = ref.features[ty];
      if (f === undefined) continue;
      const data: RetrievalCellSettings['data'] = { kind, gnd: ref.gnd, features: f, r1m: ref.r1m?.[ty] ?? null, structure: ref.structure };
      const base = { dataset: ref.name, featureType: ty, data, qe, engine, ranksDir };
      if (rows.includes(ty) || !rows.includes(`${ty}+ours`)) {
        const settings: RetrievalCellSettings = { ...base, method: 'first', csa: null };
        specs.push({ kind: 'retrieval', table: t.id, row: ty, columns, unit: ref.name, seed: 1, settings });
      }
      if (wantRerank) {
        for (let seed = 1; seed <= seeds; seed++) {
          const settings: RetrievalCellSettings = { ...base, method: 'csa', csa: { preset: ko.csaPreset ?? 'csa', profile, training } };
          specs.push({ kind: 'retrieval', table: t.id, row: `${ty}+ours`, columns, unit: ref.name, seed, settings });
        }
      }
    }
  }
  rows = [...new Set(specs.map((s) => s.row))];
  log.info(`replaying ${t.id} on ${names.join(', ')}: ${rows.length} row(s), ${wantRerank ? `CSA at profile ${profile}, ${seeds} seed(s), ` : ''}${kind === 'real' ? 'real' : 'generated'} data${ko.r1m ? ' + R1M distractors' : ''}`);
  return specs;
}

/** Loaded ground truth and features of this process (a worker computes many cells on the same files). */
const loaded = new Map<string, { gnd: RevisitopGnd; features: LoadedFeatures }>();

function load(s: RetrievalCellSettings): { gnd: RevisitopGnd; features: LoadedFeatures } {
  const id = `${s.data.gnd.manifest.sha256}\u0000${s.data.features.manifest.sha256}\u0000${s.data.r1m?.manifest.sha256 ?? ''}`;
  let d = loaded.get(id);
  if (d === undefined) {
    // R1M features take GBs: keep one set then
    if (loaded.size >= (s.data.r1m ? 1 : 2)) loaded.delete(loaded.keys().next().value as string);
    const gnd = readRevisitopGnd(s.data.gnd.file);
    const r1m = s.data.r1m ? { file: s.data.r1m.file, ...(s.data.r1m.layout ? { layout: s.data.r1m.layout } : {}) } : undefined;
    d = { gnd, features: loadRevisitopFeatures({ kind: 'pickle', file: s.data.features.file }, gnd, r1m) };
    loaded.set(id, d);
  }
  return d;
}

function scoreExtra(scores: Record<string, ProtocolScores>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(scores).map(([p, v]) => [p, { map_pct: v.map, mp_at_1_5_10_pct: v.mpk }]));
}

async function retrievalCompute(c: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = c.settings as RetrievalCellSettings;
  const col = DATASETS[s.dataset];
  const { gnd, features } = load(s);
  mkdirSync(s.ranksDir, { recursive: true });
  const suffix = s.data.r1m ? '-r1m' : '';
  const file = (m: RetrievalMethod): string => join(s.ranksDir, `${s.dataset}${suffix}_${s.featureType}_${m}${m === 'csa' ? `_s${c.seed}` : ''}.npy`);
  const run = async (method: RetrievalMethod, csa?: { model: Awaited<ReturnType<typeof trainedCsaModel>>['model']; k: number }) =>
    retrieve({ gnd, features, method, engine: s.engine, n: s.qe.n, alpha: s.qe.alpha, ranksFile: file(method), featureFile: s.data.features.file, ...(csa ? { csa } : {}) });
  const extra: Record<string, unknown> = { dataset: s.dataset, feature_type: s.featureType, structure: s.data.structure };
  let scores: Record<string, ProtocolScores>;
  if (s.method === 'first') {
    const first = await run('first');
    const qe = await run('alpha-qe');
    scores = first.scores;
    extra.ranks = file('first');
    extra.alpha_qe = { ...scoreExtra(qe.scores), ranks: file('alpha-qe'), n: s.qe.n, alpha: s.qe.alpha };
  } else {
    const started = Date.now();
    // the cell's backend trains the model (a cell's key names it: same backend, same numbers)
    await useTfjsBackend(ctx.backend as Parameters<typeof useTfjsBackend>[0]);
    const training = s.csa!.training;
    const m = trainedCsaModel({
      profile: s.csa!.profile,
      seed: c.seed,
      preset: s.csa!.preset,
      ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
      ...(training !== 'generated' ? { trainFeatures: training.file, rsfmMetadata: join(training.file, '..', '..', 'retrieval-SfM-120k.pkl') } : { generated: replayRsfm(s.csa!.profile) }),
    });
    extra.csa = { k: m.k, anchors: m.model.config.anchors, trained_on: m.trainedOn, cached: m.cached, seconds: (Date.now() - started) / 1000, fingerprint: csaFingerprint(m.model.stateDict()) };
    const r = await run('csa', { model: m.model, k: m.k });
    scores = r.scores;
    extra.ranks = file('csa');
  }
  extra.scores = scoreExtra(scores);
  return { values: { [`${col}_medium_map_pct`]: scores.medium!.map, [`${col}_hard_map_pct`]: scores.hard!.map }, data: s.data.kind, extra };
}

/**
 * With several seeds, the Fig. 2 study per "+Ours" row: each seed's mAP (Medium / Hard per
 * dataset), mean, std, min, max and the number of distinct models (weight fingerprints), as a plot.
 */
export function retrievalSeedStudies(r: ReplayResult): { row: string; study: ReturnType<typeof seedStudy> }[] {
  const rows = [...new Set(r.cells.filter((c) => c.spec.row.endsWith('+ours')).map((c) => c.spec.row))];
  return rows.flatMap((row) => {
    const bySeed = new Map<number, SeedRun>();
    r.cells.forEach((c, i) => {
      if (c.spec.row !== row) return;
      const run = bySeed.get(c.spec.seed) ?? { seed: c.spec.seed, values: {} };
      Object.assign(run.values, r.values[i]!.values);
      const fp = (r.values[i]!.extra?.csa as { fingerprint?: string } | undefined)?.fingerprint;
      if (fp !== undefined) run.fingerprint = fp;
      bySeed.set(c.spec.seed, run);
    });
    return bySeed.size > 1 ? [{ row, study: seedStudy([...bySeed.values()]) }] : [];
  });
}

function retrievalPlots(r: ReplayResult): PlotSpec[] {
  return retrievalSeedStudies(r).map(({ row, study }) =>
    seedStudyPlot(study, { id: `seeds-${row}`, title: `${row}: mAP per seed (${study.runs.length} seeds, ${study.distinctModels} distinct models)` }),
  );
}

/** CSA supplementary Table 1 (cross-feature re-ranking on ROxf / RPar). */
export const retrievalKind: TableKind = {
  id: 'retrieval',
  tables: [TABLE],
  cells: retrievalCells,
  compute: retrievalCompute,
  plots: retrievalPlots,
};
