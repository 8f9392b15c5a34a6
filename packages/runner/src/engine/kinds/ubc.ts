import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InputError, log, parseBackendName } from '@descbench/core';
import { resolveDataRoot, resolveUbcSubset, type UbcSubset } from '@descbench/datasets';
import { parseFpr95Convention } from '@descbench/metrics';
import { createModel, forwardCost, listModels, modelSpec, paramTable, parseModelName, useTfjsBackend, type PatchDescriptor } from '@descbench/models';
import type { ReferenceTable } from '../../tables/reference-table';
import type { ColumnSpec } from '../../tables/schema';
import { parseProfile, PROFILE_SCALES, trainingPreset, type TrainingPreset } from '../../training/presets';
import { trainDescriptor } from '../../training/trainer';
import { loadUbcSubset } from '../../training/ubc-training-data';
import { descriptorFpr95 } from '../../experiments/describe-pairs';
import { dataManifest } from '../data-manifest';
import { assertOneDataKind } from '../data-kind';
import type { CellContext, CellSpec, CellValue, DataKind, ReplayOptions, TableKind } from '../types';

/** Options of the ubc kind (`ReplayOptions.kind`). */
export interface UbcKindOptions {
  /** All rows whose model has SOA blocks, plus their SOSNet+ baseline. */
  allSoa?: boolean;
  /** Every row that replays here (trained, evaluated with weights present, or hand-crafted). */
  all?: boolean;
  /** Patches per generated subset (synthetic data; default 1,024 with as many test pairs). */
  patches?: number;
  /** Training subsets to replay (default: every one of the table); a quicker, partial table. */
  trains?: string[];
  /** Where official weights are looked for: `<dir>/<arch>/<file name of the official URL>` (default `<data root>/weights`). */
  weightsDir?: string;
}

/** Generated subsets of a replay: small, so that evaluation stays a fraction of training. */
export const REPLAY_SYNTHETIC_PATCHES = 1024;

/**
 * The training recipe of each model family as its own paper trains it (training/presets.ts states
 * the source of each): HardNet, SOSNet and HyNet their own; SOLAR's SOSNet+ and SOA variants
 * `solar-sosnet+` (SOLAR's re-implementation of SOSNet with augmentation). TFeat and L2-Net are
 * missing on purpose: their losses (TFeat's triplet
 * margin with in-triplet swap, L2-Net's relative loss with compactness terms) are not implemented
 * here, so those rows replay only from official weights.
 */
export function replayRecipe(model: string): string | undefined {
  const arch = model.split('.')[0] as string;
  if (arch === 'hardnet') return 'hardnet';
  if (arch === 'sosnet') return 'sosnet';
  if (arch.startsWith('sosnet+')) return 'solar-sosnet+';
  if (arch === 'hynet') return 'hynet';
  return undefined;
}

/** How one row of a UBC table replays here. */
export type UbcRowPlan =
  | { mode: 'hand-crafted'; model: string }
  | { mode: 'weights'; model: string; weights: Partial<Record<UbcSubset, string>> }
  | { mode: 'train'; model: string; recipe: string }
  | { mode: 'none'; model: string | null; why: string };

const SUBSETS: readonly UbcSubset[] = ['liberty', 'notredame', 'yosemite'];

/** Official weights present on disk, by the subset they were trained on. */
export function presentWeights(model: string, weightsDir: string): Partial<Record<UbcSubset, string>> {
  const out: Partial<Record<UbcSubset, string>> = {};
  const { arch, entry } = parseModelName(model);
  for (const w of Object.values(entry.weights)) {
    const subset = /^ubc\/(\w+)$/.exec(w.trainedOn)?.[1] as UbcSubset | undefined;
    if (subset === undefined || !SUBSETS.includes(subset) || out[subset] !== undefined) continue;
    for (const url of w.urls) {
      const file = join(weightsDir, arch, basename(url));
      if (existsSync(file)) {
        out[subset] = file;
        break;
      }
    }
  }
  return out;
}

/**
 * A row without a network (SIFT) is evaluated; a row whose official weights are present is
 * evaluated with them (on the splits they were trained for); a row with its paper's recipe here is
 * trained; anything else does not replay here, and says why.
 */
export function planUbcRow(t: ReferenceTable, row: string, weightsDir: string): UbcRowPlan {
  const model = t.rows.get(row)?.spec.model;
  if (model === undefined) return { mode: 'none', model: null, why: 'the row names no model' };
  if (!listModels().includes(model.split('.')[0] as string)) return { mode: 'none', model, why: `model "${model}" is not in the zoo` };
  const { entry } = parseModelName(model);
  if (entry.spec === undefined) return { mode: 'hand-crafted', model };
  const weights = presentWeights(model, weightsDir);
  if (Object.keys(weights).length > 0) return { mode: 'weights', model, weights };
  const recipe = replayRecipe(model);
  if (recipe !== undefined) return { mode: 'train', model, recipe };
  return { mode: 'none', model, why: `its paper's training recipe is not implemented here and no official weights are under ${join(weightsDir, model)}` };
}

const isSoa = (model: string): boolean => /\+soa\d+$/.test(model);

/** Which rows of a UBC table to replay: the default is the first row trained with its own recipe (never SIFT). */
export function selectUbcRows(t: ReferenceTable, o: { rows?: string[]; allSoa?: boolean; all?: boolean; weightsDir?: string }): string[] {
  const weightsDir = o.weightsDir ?? join(resolveDataRoot(), 'weights');
  const plans = new Map([...t.rows.keys()].map((r) => [r, planUbcRow(t, r, weightsDir)]));
  const replayable = [...plans].filter(([, p]) => p.mode !== 'none').map(([r]) => r);
  if (o.rows !== undefined && o.rows.length > 0) {
    for (const r of o.rows) {
      const plan = plans.get(r);
      if (plan === undefined) throw new InputError(`table ${t.id} has no row "${r}"; rows: ${[...t.rows.keys()].join(', ')}`, { at: '--rows' });
      if (plan.mode === 'none') throw new InputError(`row "${r}" does not replay here: ${plan.why}; replayable rows: ${replayable.join(', ')}`, { at: '--rows' });
    }
    return o.rows;
  }
  if (o.all) return replayable;
  if (o.allSoa) {
    const model = (r: string): string => t.rows.get(r)?.spec.model ?? '';
    const soa = replayable.filter((r) => isSoa(model(r)));
    if (soa.length === 0) throw new InputError(`table ${t.id} has no SOA rows`, { at: '--all-soa' });
    return [...replayable.filter((r) => model(r) === 'sosnet+'), ...soa];
  }
  const first = [...plans].find(([, p]) => p.mode === 'train')?.[0];
  if (first === undefined) throw new InputError(`table ${t.id} has no row trained with its own recipe here; name rows with --rows (${replayable.join(', ') || 'none replay'})`);
  return [first];
}

/** The train/test value columns of a UBC table. */
export function ubcColumns(t: ReferenceTable): ColumnSpec[] {
  return t.numericColumns.filter((c) => c.role === 'value' && c.train !== undefined && c.test !== undefined);
}

/** Parameters a SOA row adds to SOSNet+, counted from the two networks' specs. */
export function extraParams(model: string): number {
  return paramTable(modelSpec(model)).totalParams - paramTable(modelSpec('sosnet+')).totalParams;
}

interface SubsetRef {
  kind: DataKind;
  /** Generated data: the generator's settings. */
  generator?: { name: 'synthetic-ubc'; patches: number; seed: number };
  manifest: ReturnType<typeof dataManifest>;
}

/** What a UBC cell reads and does; all of it is in the cell's key. */
export interface UbcCellSettings {
  [k: string]: unknown;
  mode: 'hand-crafted' | 'weights' | 'train';
  model: string;
  profile: string;
  /** Trained cells: the recipe, scaled by the profile, and its source. */
  recipe: (TrainingPreset & { scale: (typeof PROFILE_SCALES)[keyof typeof PROFILE_SCALES] }) | null;
  weights: { file: string; manifest: ReturnType<typeof dataManifest> } | null;
  convention: string;
  backend: string;
  train: UbcSubset | null;
  tests: Record<string, UbcSubset>;
  patches: number | null;
  data: { kind: DataKind; subsets: Record<string, SubsetRef> };
  /** Written with the row's first cell of seed 1: the Extra Params column of SOLAR Table 1. */
  extraParams: { column: string; value: number } | null;
}

async function ubcCells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]> {
  const ko = (o.kind ?? {}) as UbcKindOptions;
  const allCols = ubcColumns(t);
  if (allCols.length === 0) throw new InputError(`table ${t.id} is not a UBC train/test table (no columns with train and test subsets)`);
  const trains = [...new Set(allCols.map((c) => c.train as string))];
  for (const tr of ko.trains ?? []) {
    if (!trains.includes(tr)) throw new InputError(`table ${t.id} trains on ${trains.join(', ')}, not "${tr}"`, { at: '--train' });
  }
  const cols = ko.trains === undefined || ko.trains.length === 0 ? allCols : allCols.filter((c) => ko.trains!.includes(c.train as string));
  const profile = parseProfile(o.profile);
  const seeds = o.seeds ?? t.spec.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`);
  if (ko.patches !== undefined && !(Number.isInteger(ko.patches) && ko.patches >= 64)) throw new InputError(`--patches must be an integer >= 64, got ${ko.patches}`, { at: '--patches' });
  const convention = parseFpr95Convention(t.spec.metric?.convention ?? 'hardnet');
  const weightsDir = ko.weightsDir ?? join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), 'weights');
  const rows = selectUbcRows(t, { ...(o.rows !== undefined ? { rows: o.rows } : {}), ...(ko.allSoa ? { allSoa: true } : {}), ...(ko.all ? { all: true } : {}), weightsDir });
  const backend = (await useTfjsBackend(parseBackendName(o.backend ?? 'auto'))).backend;
  const patches = ko.patches ?? REPLAY_SYNTHETIC_PATCHES;
  const paramCol = t.numericColumns.find((c) => c.role === 'param_count' && c.id === 'extra_params_count');

  // Resolve every subset once (generating it if needed); refuse before any work if real and generated would mix.
  // Per-file hashes of real data (gigabytes) are cached under the data root, keyed by size and mtime.
  const manifestCache = { cacheDir: join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), '.manifests') };
  const refs = new Map<UbcSubset, SubsetRef>();
  const subsetRef = (s: UbcSubset): SubsetRef => {
    let r = refs.get(s);
    if (r === undefined) {
      const d = resolveUbcSubset(s, { ...(o.data ? { data: o.data } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}), patches });
      r = { kind: d.kind, ...(d.kind === 'synthetic' ? { generator: { name: 'synthetic-ubc' as const, patches, seed: 0 } } : {}), manifest: dataManifest(d.dir, manifestCache) };
      refs.set(s, r);
    }
    return r;
  };
  const used = [...new Set(cols.flatMap((c) => [c.train, c.test] as UbcSubset[]))];
  const kind = assertOneDataKind(t.id, used.map((s) => ({ what: s, data: subsetRef(s).kind })));
  log.info(`replaying ${t.id}: ${rows.join(', ')}; ${profile} profile, ${seeds} seed(s), ${kind === 'real' ? 'real' : 'generated'} UBC data, tfjs ${backend}`);

  const specs: CellSpec[] = [];
  for (const row of rows) {
    const plan = planUbcRow(t, row, weightsDir);
    if (plan.mode === 'none') throw new InputError(`row "${row}" does not replay here: ${plan.why}`, { at: '--rows' });
    const extra = paramCol !== undefined && isSoa(plan.model) ? { column: paramCol.id, value: extraParams(plan.model) } : null;
    // Units: trained / weights -> one per training subset; hand-crafted -> one per test subset (no training).
    const units: { unit: string; train: UbcSubset | null; columns: ColumnSpec[]; weights?: string }[] = [];
    if (plan.mode === 'hand-crafted') {
      for (const test of [...new Set(cols.map((c) => c.test as UbcSubset))]) units.push({ unit: `test=${test}`, train: null, columns: cols.filter((c) => c.test === test) });
    } else {
      for (const train of [...new Set(cols.map((c) => c.train as UbcSubset))]) {
        const w = plan.mode === 'weights' ? plan.weights[train] : undefined;
        if (plan.mode === 'weights' && w === undefined) continue; // no official weights for this split: not replayed
        units.push({ unit: `train=${train}`, train, columns: cols.filter((c) => c.train === train), ...(w !== undefined ? { weights: w } : {}) });
      }
    }
    // Evaluation without training is deterministic: one seed.
    const rowSeeds = plan.mode === 'train' ? seeds : 1;
    units.forEach((u, ui) => {
      for (let seed = 1; seed <= rowSeeds; seed++) {
        const reads = [...new Set([...(u.train !== null ? [u.train] : []), ...u.columns.map((c) => c.test as UbcSubset)])];
        const recipe = plan.mode === 'train' ? trainingPreset(plan.recipe) : null;
        const settings: UbcCellSettings = {
          mode: plan.mode,
          model: plan.model,
          profile,
          recipe: recipe === null ? null : { ...recipe, scale: PROFILE_SCALES[profile] },
          weights: u.weights !== undefined ? { file: u.weights, manifest: dataManifest(u.weights) } : null,
          convention,
          backend,
          train: u.train,
          tests: Object.fromEntries(u.columns.map((c) => [c.id, c.test as UbcSubset])),
          patches: kind === 'synthetic' ? patches : null,
          data: { kind, subsets: Object.fromEntries(reads.map((s) => [s, subsetRef(s)])) },
          extraParams: extra !== null && ui === 0 && seed === 1 ? extra : null,
        };
        specs.push({ kind: 'ubc', table: t.id, row, columns: [...u.columns.map((c) => c.id), ...(settings.extraParams ? [settings.extraParams.column] : [])], unit: u.unit, seed, settings });
      }
    });
  }
  return specs;
}

/** Loaded subsets of this process, by folder (a worker computes many cells on the same data). */
const loaded = new Map<string, ReturnType<typeof loadUbcSubset>>();

function subset(name: UbcSubset, s: UbcCellSettings, ctx: CellContext): ReturnType<typeof loadUbcSubset> {
  const id = `${ctx.dataDir ?? ''}\u0000${s.data.kind}\u0000${name}\u0000${s.patches ?? ''}`;
  let d = loaded.get(id);
  if (d === undefined) {
    // keep at most the three subsets of one replay in memory
    if (loaded.size >= 3) loaded.delete(loaded.keys().next().value as string);
    d = loadUbcSubset(name, { data: s.data.kind, ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}), ...(s.patches !== null ? { patches: s.patches } : {}) });
    loaded.set(id, d);
  }
  return d;
}

/** Distinct patches a set of pairs uses (what the evaluation describes). */
function pairPatchCount(pairs: { patch1: Int32Array; patch2: Int32Array }): number {
  return new Set([...pairs.patch1, ...pairs.patch2]).size;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function ubcCompute(c: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = c.settings as UbcCellSettings;
  await useTfjsBackend(parseBackendName(s.backend));
  const convention = parseFpr95Convention(s.convention);
  let descriptor: PatchDescriptor;
  const extra: Record<string, unknown> = { mode: s.mode, backend: s.backend };
  // Where a cell's time goes (benchmarks/speed/replay-cell.js compares it with the kernels' speed).
  const seconds: Record<string, number> = {};
  const cellStarted = performance.now();
  // CPU of every thread of this process (onnxruntime's pool, V8's helpers): against `total`, how many cores the cell used
  const cpuStarted = process.cpuUsage();
  let started = cellStarted;
  if (s.mode === 'train') {
    const tr = subset(s.train as UbcSubset, s, ctx);
    seconds.data = (performance.now() - started) / 1000;
    started = performance.now();
    // No per-epoch checkpoints: a killed cell is recomputed whole. The weights stay on the heap.
    const trained = await trainDescriptor(
      { name: tr.name, patches: tr.ds.patches, pointIds: tr.ds.pointIds, heldOut: { name: tr.name, patches: tr.ds.patches, pairs: tr.ds.pairs! } },
      { preset: trainingPreset(s.recipe!.name), model: s.model, profile: parseProfile(s.profile), seed: c.seed, out: join(ctx.workDir, 'train'), evalEachEpoch: false, checkpoints: false },
    );
    extra.train_seconds = (performance.now() - started) / 1000;
    extra.recipe = s.recipe!.name;
    extra.final_loss = trained.epochs.at(-1)?.loss ?? null;
    extra.steps = trained.stepSeconds.length;
    seconds.train = extra.train_seconds as number;
    seconds.train_steps = trained.stepSeconds.reduce((a, b) => a + b, 0);
    seconds.train_step_median = median(trained.stepSeconds);
    started = performance.now();
    descriptor = await createModel(s.model, { weights: trained.stateDict });
  } else if (s.mode === 'weights') {
    descriptor = await createModel(s.model, { weights: s.weights!.file });
    extra.weights = s.weights!.file;
  } else {
    descriptor = await createModel(s.model);
  }
  seconds.eval_build = (performance.now() - started) / 1000;
  started = performance.now();
  const values: Record<string, number> = {};
  let evalPatches = 0;
  try {
    const byTest = new Map<UbcSubset, number>();
    for (const [col, test] of Object.entries(s.tests)) {
      let fpr = byTest.get(test);
      if (fpr === undefined) {
        const te = subset(test, s, ctx);
        fpr = await descriptorFpr95(descriptor, te.ds.patches, te.ds.pairs!, convention);
        evalPatches += pairPatchCount(te.ds.pairs!);
        byTest.set(test, fpr);
      }
      values[col] = 100 * fpr;
    }
  } finally {
    descriptor.dispose();
  }
  seconds.eval = (performance.now() - started) / 1000;
  seconds.total = (performance.now() - cellStarted) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  seconds.cpu = (cpu.user + cpu.system) / 1e6;
  extra.eval_patches = evalPatches;
  extra.runtime = descriptor.runtime;
  extra.seconds = seconds;
  if (s.extraParams !== null) values[s.extraParams.column] = s.extraParams.value;
  return { values, data: s.data.kind, extra };
}

/**
 * A cell's relative cost: its network's forward cost per patch (multiply-adds, SOA attention
 * weighed as measured), times four for a trained cell (training's forward and backward passes
 * outweigh the evaluation at every profile).
 */
function ubcCost(c: CellSpec): number {
  const s = c.settings as UbcCellSettings;
  const { entry } = parseModelName(s.model);
  const cost = entry.spec === undefined ? 1 : forwardCost(modelSpec(s.model));
  return s.mode === 'train' ? 4 * cost : cost;
}

/** UBC PhotoTour FPR@95 tables: train on one subset (or evaluate), test on the others. */
export const ubcKind: TableKind = {
  id: 'ubc',
  tables: ['hynet/table1', 'solar-supp/table1'],
  cells: ubcCells,
  compute: ubcCompute,
  cost: ubcCost,
};
