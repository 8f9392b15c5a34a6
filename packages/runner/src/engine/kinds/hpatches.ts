import { join } from 'node:path';
import { InputError, log, parseBackendName } from '@descbench/core';
import { resolveDataRoot, resolveHPatches, resolveUbcSubset, type DataChoice, type ResizeConvention } from '@descbench/datasets';
import type { HPatchesSummary } from '@descbench/metrics';
import { listModels, useTfjsBackend } from '@descbench/models';
import { markdownTable } from '../../format/markdown';
import type { ReferenceTable } from '../../tables/reference-table';
import { describeHPatches, evaluateHPatches, loadHPatchesBenchmark, noiseBreakdown, type HPatchesBenchmark } from '../../hpatches/hpatches-benchmark';
import { descriptorOrigin, libertyDescriptor, type DescriptorOrigin, type DescriptorRecipe } from '../../hpatches/liberty-descriptor';
import { parseProfile, PROFILE_SCALES, TRAINING_PRESETS, type Profile } from '../../training/presets';
import { presetForModel } from '../../training/train-command';
import { assertOneDataKind } from '../data-kind';
import { dataManifest } from '../data-manifest';
import { canonicalJson } from '../key';
import type { CellContext, CellSpec, CellValue, DataKind, PlotSpec, ReplayOptions, ReplayResult, TableKind } from '../types';

/** Options of the hpatches kind (`ReplayOptions.kind`). */
export interface HPatchesKindOptions {
  /** Patches per generated UBC subset the descriptors train on (default 1,024). */
  patches?: number;
  /** Generated HPatches stand-in: sequences and patches per sequence (default by profile). */
  hpatchesSequences?: number;
  hpatchesPatches?: number;
  /** `<dir>/<arch>/<file name of the official URL>` (default `<data root>/weights`). */
  weightsDir?: string;
  /** `train` trains every network here even where official Liberty weights are present. */
  weights?: 'auto' | 'train';
  /** Table 3 margins of the s and d rows (not printed in the paper; default: L_B's grid-searched 0.9 and 1.2). */
  marginS?: number;
  marginD?: number;
}

/** Generated HPatches stand-in per profile: [sequences, patches per sequence]. */
const HPATCHES_STAND_IN: Record<Profile, [number, number]> = { tiny: [12, 32], smoke: [12, 100], quick: [24, 200], paper: [40, 400] };
/** Verification pairs drawn where the split's lists are absent (the benchmark's gen_verif draws 1M). */
const DRAWN_PAIRS: Record<Profile, number> = { tiny: 2000, smoke: 10_000, quick: 100_000, paper: 1_000_000 };
const UBC_PATCHES = 1024;
const SPLIT = 'a';
/**
 * 65 -> 32 px as HardNet's and HyNet's HPatches code does it: `cv2.resize(patch, (32, 32))`
 * (INTER_LINEAR, uint8, no antialiasing). Named in every cell's settings, so in its key and record.
 */
const RESIZE: ResizeConvention = 'opencv-linear';

/**
 * HyNet Table 3 rows as recipes: HyNet's network and trainer (train.py: Adam 1e-2, batch 1024)
 * with one component changed. R_L2 off = gamma 0; s / d = triplet loss on the inner product /
 * L2 distance with HyNet's mining (margins not printed: kind options); BN / IN = the hynet-bn /
 * hynet-in networks; HardNet / SOSNet = their losses on the HyNet network, trained by the same
 * trainer (the paper: "we retrain HardNet and SOSNet with HyNet architecture").
 */
export function table3Recipe(row: string, o: { marginS?: number; marginD?: number } = {}): DescriptorRecipe | undefined {
  const hynet = TRAINING_PRESETS.hynet!.lossOptions;
  const base = { model: 'hynet', preset: 'hynet', loss: 'hynet' };
  switch (row) {
    case 'rl2-off':
      return { ...base, lossOptions: { ...hynet, gamma: 0 } };
    case 'rl2-on':
    case 's_h':
    case 'frn':
      return { ...base, lossOptions: hynet };
    case 's':
      return { ...base, loss: 'hynet-s', lossOptions: { margin: o.marginS ?? 0.9, gamma: hynet.gamma as number } };
    case 'd':
      return { ...base, loss: 'hynet-d', lossOptions: { margin: o.marginD ?? 1.2, gamma: hynet.gamma as number } };
    case 'bn':
      return { ...base, model: 'hynet-bn', lossOptions: hynet };
    case 'in':
      return { ...base, model: 'hynet-in', lossOptions: hynet };
    case 'hardnet-frn':
      return { ...base, loss: 'hardnet', lossOptions: TRAINING_PRESETS.hardnet!.lossOptions };
    case 'sosnet-frn':
      return { ...base, loss: 'sosnet', lossOptions: TRAINING_PRESETS.sosnet!.lossOptions };
    default:
      return undefined;
  }
}

/** Fig. 4 rows `<a>_over_<b>`: the two zoo models whose difference the row states. */
export function fig4Pair(row: string): [string, string] | undefined {
  const m = /^([a-z0-9+-]+)_over_([a-z0-9+-]+)$/.exec(row);
  if (m === null) return undefined;
  const known = new Set(listModels());
  return known.has(m[1]!) && known.has(m[2]!) ? [m[1]!, m[2]!] : undefined;
}

interface PlannedDescriptor {
  recipe: DescriptorRecipe;
  origin: DescriptorOrigin;
  /** The official checkpoint and its checksum (origin `official`). */
  weights: { file: string; manifest: ReturnType<typeof dataManifest> } | null;
  /** Trained descriptors: the recipe as scaled by the profile. */
  training: Record<string, unknown> | null;
}

/** Everything an HPatches cell reads and does; all of it is in the cell's key. */
export interface HPatchesCellSettings {
  [k: string]: unknown;
  table: 'fig4' | 'table3';
  descriptors: PlannedDescriptor[];
  profile: Profile;
  backend: string;
  split: string;
  resize: string;
  ubcPatches: number | null;
  hpatchesStandIn: { sequences: number; patches: number } | null;
  /** HPatches and UBC Liberty manifests; `verificationPairs`: pairs drawn where the split's lists are absent. */
  data: { kind: DataKind; hpatches: ReturnType<typeof dataManifest>; ubc: ReturnType<typeof dataManifest> | null; verificationPairs: number };
}

function rowsOf(t: ReferenceTable, o: ReplayOptions, ok: (row: string) => boolean): string[] {
  const all = [...t.rows.keys()];
  const replayable = all.filter(ok);
  if (o.rows !== undefined && o.rows.length > 0) {
    for (const r of o.rows) {
      if (!all.includes(r)) throw new InputError(`table ${t.id} has no row "${r}"; rows: ${all.join(', ')}`, { at: '--rows' });
      if (!replayable.includes(r)) throw new InputError(`row "${r}" does not replay here (its models are not in the zoo); replayable rows: ${replayable.join(', ')}`, { at: '--rows' });
    }
    return o.rows;
  }
  return replayable;
}

async function hpatchesCells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]> {
  const ko = (o.kind ?? {}) as HPatchesKindOptions;
  const which = t.id === 'hynet/fig4' ? 'fig4' : t.id === 'hynet/table3' ? 'table3' : undefined;
  if (which === undefined) throw new InputError(`${t.id} is not an HPatches table of this kind`);
  const profile = parseProfile(o.profile);
  const seeds = o.seeds ?? t.spec.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`);
  const backend = (await useTfjsBackend(parseBackendName(o.backend ?? 'auto'))).backend;
  const dataDir = o.dataDir !== undefined ? { dataDir: o.dataDir } : {};
  const weightsDir = ko.weightsDir ?? join(resolveDataRoot(dataDir), 'weights');
  const choice: DataChoice | undefined = o.data;
  const [nSeq, nPatch] = [ko.hpatchesSequences ?? HPATCHES_STAND_IN[profile][0], ko.hpatchesPatches ?? HPATCHES_STAND_IN[profile][1]];
  const hp = resolveHPatches({ ...(choice ? { data: choice } : {}), ...dataDir, sequences: nSeq, patches: nPatch });
  const drawnPairs = DRAWN_PAIRS[profile];
  const ubcPatches = ko.patches ?? UBC_PATCHES;
  const manifestCache = { cacheDir: join(resolveDataRoot(dataDir), '.manifests') };

  const rows = rowsOf(t, o, (r) => (which === 'fig4' ? fig4Pair(r) !== undefined : table3Recipe(r) !== undefined));
  const plan = (recipe: DescriptorRecipe): PlannedDescriptor => {
    const src = descriptorOrigin(recipe, { weightsDir, weights: which === 'table3' ? 'train' : (ko.weights ?? 'auto') });
    const preset = TRAINING_PRESETS[recipe.preset ?? presetForModel(recipe.model)]!;
    return {
      recipe,
      origin: src.origin,
      weights: src.file !== undefined ? { file: src.file, manifest: dataManifest(src.file, manifestCache) } : null,
      training: src.origin === 'trained' ? { ...preset, scale: PROFILE_SCALES[profile] } : null,
    };
  };
  const planned = rows.map((r) => {
    if (which === 'table3') return [plan(table3Recipe(r, ko)!)];
    const [a, b] = fig4Pair(r)!;
    return [plan({ model: a }), plan({ model: b })];
  });
  const trains = planned.flat().some((d) => d.origin === 'trained');
  const ubc = trains ? resolveUbcSubset('liberty', { ...(choice ? { data: choice } : {}), ...dataDir, patches: ubcPatches }) : undefined;
  const kinds = [{ what: `HPatches (${hp.dir})`, data: hp.kind }, ...(ubc !== undefined ? [{ what: `UBC liberty (${ubc.dir})`, data: ubc.kind }] : [])];
  const kind = assertOneDataKind(t.id, kinds);
  const data = { kind, hpatches: dataManifest(hp.dir, manifestCache), ubc: ubc !== undefined ? dataManifest(ubc.dir, manifestCache) : null, verificationPairs: drawnPairs };
  log.info(`replaying ${t.id}: ${rows.join(', ')}; ${profile} profile, ${kind === 'real' ? 'real' : 'generated'} data, HPatches split ${SPLIT}, patches resized ${RESIZE}, tfjs ${backend}`);
  const cols = t.numericColumns.filter((c) => c.role === 'value').map((c) => c.id);
  const specs: CellSpec[] = [];
  rows.forEach((row, i) => {
    const descriptors = planned[i]!;
    const rowSeeds = descriptors.some((d) => d.origin === 'trained') ? seeds : 1;
    for (let seed = 1; seed <= rowSeeds; seed++) {
      const settings: HPatchesCellSettings = {
        table: which,
        descriptors,
        profile,
        backend,
        split: SPLIT,
        resize: RESIZE,
        ubcPatches: ubc !== undefined && ubc.kind === 'synthetic' ? ubcPatches : null,
        hpatchesStandIn: hp.kind === 'synthetic' ? { sequences: nSeq, patches: nPatch } : null,
        data,
      };
      specs.push({ kind: 'hpatches', table: t.id, row, columns: cols, unit: descriptors.map((d) => d.recipe.model).join('-'), seed, settings });
    }
  });
  return specs;
}

/** One descriptor's HPatches result (percent), with where it came from. */
export interface DescriptorEvaluation {
  model: string;
  origin: DescriptorOrigin;
  verification: number;
  matching: number;
  retrieval: number;
  breakdown: ReturnType<typeof noiseBreakdown>;
  /** `benchmark`: the split's verification lists; `drawn`: drawn like gen_verif (lists absent). */
  verificationPairs?: 'benchmark' | 'drawn';
  trainSeconds?: number;
  evalSeconds: number;
}

function toPercent(model: string, origin: DescriptorOrigin, s: HPatchesSummary, evalSeconds: number, trainSeconds?: number): DescriptorEvaluation {
  return {
    model,
    origin,
    verification: 100 * s.verification,
    matching: 100 * s.matching,
    retrieval: 100 * s.retrieval,
    breakdown: noiseBreakdown(s),
    evalSeconds,
    ...(trainSeconds !== undefined ? { trainSeconds } : {}),
  };
}

/** This process's loaded benchmark and finished evaluations (a descriptor shared by two rows is evaluated once). */
const benchmarks = new Map<string, HPatchesBenchmark>();
const evaluations = new Map<string, Promise<DescriptorEvaluation>>();

function benchmark(s: HPatchesCellSettings, ctx: CellContext): HPatchesBenchmark {
  const id = canonicalJson([ctx.dataDir ?? '', s.data.kind, s.hpatchesStandIn, s.split]);
  let b = benchmarks.get(id);
  if (b === undefined) {
    const hp = resolveHPatches({ data: s.data.kind, ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}), ...(s.hpatchesStandIn !== null ? s.hpatchesStandIn : {}) });
    benchmarks.clear();
    b = loadHPatchesBenchmark(hp.releaseDir, hp.tasksDir, s.split, { drawnPairs: s.data.verificationPairs });
    benchmarks.set(id, b);
  }
  return b;
}

async function evaluateDescriptor(d: PlannedDescriptor, s: HPatchesCellSettings, seed: number, ctx: CellContext): Promise<DescriptorEvaluation> {
  const id = canonicalJson([d, s.profile, s.backend, s.data, s.ubcPatches, s.hpatchesStandIn, s.split, s.resize, d.origin === 'trained' ? seed : 0, ctx.dataDir ?? '']);
  let e = evaluations.get(id);
  if (e === undefined) {
    e = (async () => {
      const b = benchmark(s, ctx);
      const got = await libertyDescriptor(d.recipe, {
        profile: s.profile,
        seed,
        data: s.data.kind,
        ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
        ...(s.ubcPatches !== null ? { patches: s.ubcPatches } : {}),
        workDir: join(ctx.workDir, d.recipe.model),
        ...(d.weights !== null ? { officialFile: d.weights.file } : {}),
      });
      if (got.origin !== d.origin) throw new Error(`descriptor ${d.recipe.model}: planned ${d.origin}, got ${got.origin}`);
      try {
        const t0 = Date.now();
        const descr = await describeHPatches(got.descriptor, b, { resize: s.resize as ResizeConvention });
        const summary = evaluateHPatches(descr, b);
        return { ...toPercent(d.recipe.model, got.origin, summary, (Date.now() - t0) / 1000, got.trainSeconds), verificationPairs: b.pairs };
      } finally {
        got.descriptor.dispose();
      }
    })();
    evaluations.set(id, e);
    e.catch(() => evaluations.delete(id));
  }
  return e;
}

async function hpatchesCompute(c: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = c.settings as HPatchesCellSettings;
  await useTfjsBackend(parseBackendName(s.backend));
  const evals: DescriptorEvaluation[] = [];
  for (const d of s.descriptors) evals.push(await evaluateDescriptor(d, s, c.seed, ctx));
  const values: Record<string, number> = {};
  if (s.table === 'table3') {
    values.matching_map_pct = evals[0]!.matching;
  } else {
    const [a, b] = evals as [DescriptorEvaluation, DescriptorEvaluation];
    values.verification_map_points = a.verification - b.verification;
    values.matching_map_points = a.matching - b.matching;
    values.retrieval_map_points = a.retrieval - b.retrieval;
  }
  return { values, data: s.data.kind, extra: { descriptors: evals, backend: s.backend } };
}

/** One line of a figure's data: an HPatches task's mAP at one noise level (or their mean), seed mean. */
export interface BreakdownRow {
  /** fig4: the descriptor; table3: the row. */
  row: string;
  descriptor: string;
  origin: string;
  task: 'verification' | 'matching' | 'retrieval';
  noise: 'Easy' | 'Hard' | 'Tough' | 'mean';
  map_pct: number;
  seeds: number;
}

/** The e/h/t breakdown of a replay's cells: per descriptor (fig4; one shared by two rows counts once per seed) or per row (table3). */
export function hpatchesBreakdownRows(r: Pick<ReplayResult, 'cells' | 'values'>): BreakdownRow[] {
  const perSeed = new Map<string, { row: string; seed: number; e: DescriptorEvaluation }>();
  r.values.forEach((v, i) => {
    const spec = r.cells[i]!.spec;
    for (const e of (v.extra?.descriptors ?? []) as DescriptorEvaluation[]) {
      const row = spec.table === 'hynet/fig4' ? e.model : spec.row;
      perSeed.set(`${row}\u0000${spec.seed}`, { row, seed: spec.seed, e });
    }
  });
  const groups = new Map<string, { row: string; e: DescriptorEvaluation; all: DescriptorEvaluation[] }>();
  for (const x of perSeed.values()) {
    const g = groups.get(x.row) ?? { row: x.row, e: x.e, all: [] };
    g.all.push(x.e);
    groups.set(x.row, g);
  }
  const out: BreakdownRow[] = [];
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const g of groups.values()) {
    for (const task of ['verification', 'matching', 'retrieval'] as const) {
      for (const [noise, label] of [['e', 'Easy'], ['h', 'Hard'], ['t', 'Tough'], ['mean', 'mean']] as const) {
        const vals = g.all.map((e) => (noise === 'mean' ? e[task] : e.breakdown[task][noise]));
        out.push({ row: g.row, descriptor: g.e.model, origin: g.e.origin, task, noise: label, map_pct: mean(vals), seeds: vals.length });
      }
    }
  }
  return out;
}

function hpatchesPlots(r: ReplayResult, t: ReferenceTable): PlotSpec[] {
  const rows = hpatchesBreakdownRows(r).filter((x) => x.noise !== 'mean');
  const by = t.id === 'hynet/fig4' ? 'descriptor' : 'row';
  return [
    {
      id: `${t.id.replace('/', '-')}-noise`,
      title: `${t.spec.paper.split(':')[0]} ${t.spec.number}: HPatches mAP (split ${SPLIT}) by noise level${r.data === 'synthetic' ? ' (generated data: pipeline check only)' : ''}`,
      vegaLite: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { values: rows },
        facet: { column: { field: 'task', type: 'nominal', title: null } },
        spec: {
          mark: 'bar',
          encoding: {
            x: { field: by, type: 'nominal', title: null },
            xOffset: { field: 'noise', type: 'nominal', sort: ['Easy', 'Hard', 'Tough'] },
            y: { field: 'map_pct', type: 'quantitative', title: 'mAP (%)' },
            color: { field: 'noise', type: 'nominal', sort: ['Easy', 'Hard', 'Tough'], title: 'noise' },
            tooltip: [{ field: by }, { field: 'noise' }, { field: 'map_pct', format: '.2f' }, { field: 'origin' }],
          },
        },
      },
    },
  ];
}

/** HyNet Fig. 4 (HPatches split 'a' mAP, differences between descriptors) and Table 3 (ablation grid, matching mAP). */
export const hpatchesKind: TableKind = {
  id: 'hpatches',
  tables: ['hynet/fig4', 'hynet/table3'],
  cells: hpatchesCells,
  compute: hpatchesCompute,
  plots: hpatchesPlots,
};

/** The Easy / Hard / Tough breakdown of an HPatches replay as a markdown table (mAP %, seed means). */
export function hpatchesBreakdownText(r: Pick<ReplayResult, 'cells' | 'values' | 'table'>): string {
  const rows = hpatchesBreakdownRows(r);
  const keys = [...new Set(rows.map((x) => x.row))];
  const tasks = ['verification', 'matching', 'retrieval'] as const;
  const noises = ['Easy', 'Hard', 'Tough', 'mean'] as const;
  const head = [r.table === 'hynet/fig4' ? 'descriptor' : 'row', 'weights', ...tasks.flatMap((t) => noises.map((n) => `${t} ${n}`))];
  const body = keys.map((k) => {
    const of = rows.filter((x) => x.row === k);
    return [k, of[0]!.origin, ...tasks.flatMap((t) => noises.map((n) => of.find((x) => x.task === t && x.noise === n)!.map_pct.toFixed(2)))];
  });
  return `${markdownTable(head, body)}\n`;
}
