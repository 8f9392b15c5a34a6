import { InputError, log } from '@descbench/core';
import { useTfjsBackend } from '@descbench/models';
import { csaFingerprint, csaRerank, parseCsaProfile, scaleCsaPreset, csaTrainingPreset, trainCsa, type CsaConfig } from '@descbench/retrieval';
import type { ReferenceTable } from '../../tables/reference-table';
import { loadRsfmFeatures } from '../../retrieval/rsfm-features';
import { pickRows, rankWithinSplit, splitMap } from '../../retrieval/split-map';
import type { CellContext, CellSpec, CellValue, PlotSpec, ReplayOptions, ReplayResult, TableKind } from '../types';

/**
 * CSA supplementary Fig. 1: the re-ranker trained on rSfM120k's training split with one
 * hyper-parameter changed per panel -- (a) depth, (b) hidden size L', (c) reconstruction
 * weight, (d) temperature -- and scored by mAP on the validation split (each validation query
 * against the split, positives = same 3D model, top K re-ranked). The paper prints no numbers
 * for the figure, so the curves are the result (one plot per panel, values in each cell's
 * extra); the table's info columns (K, L, L', heads, depth, validation models) are filled with
 * what the run used. The grids are this project's choice (the figure's x values are not in the
 * text): depth 1, 2, 4, 6; L' 1/4, 1/2, 1, 2 x the profile's width; weight 0, 0.1, 0.2, 0.5, 1;
 * temperature 0.5, 1, 2, 4. The default point (depth 2, L', 0.2, 2) is trained once and shared.
 */
export const CSA_ABLATION_PANELS = ['depth', 'hidden', 'weight', 'temperature'] as const;
export type CsaAblationPanel = (typeof CSA_ABLATION_PANELS)[number];

const PANEL_ROW: Record<CsaAblationPanel, string> = { depth: 'panel_a', hidden: 'panel_b', weight: 'all_panels', temperature: 'all_panels' };
const PANEL_LETTER: Record<CsaAblationPanel, string> = { depth: 'a', hidden: 'b', weight: 'c', temperature: 'd' };
const PANEL_TITLE: Record<CsaAblationPanel, string> = {
  depth: 'transformer depth n',
  hidden: "hidden size L'",
  weight: 'reconstruction (MSE) loss weight',
  temperature: 'temperature t',
};

/** Generated stand-in size per profile (train / validation clusters of 5-40 images). */
const GENERATED: Record<string, { trainClusters: number; valClusters: number }> = {
  tiny: { trainClusters: 12, valClusters: 8 },
  smoke: { trainClusters: 60, valClusters: 30 },
  quick: { trainClusters: 250, valClusters: 50 },
  paper: { trainClusters: 250, valClusters: 50 },
};

interface AblationPoint {
  panel: CsaAblationPanel | 'default';
  x: number;
}

/** The grid of a profile: every panel's values other than the shared default. */
export function csaAblationGrid(profile: string, panels: readonly CsaAblationPanel[] = CSA_ABLATION_PANELS): { width: number; points: AblationPoint[] } {
  const p = scaleCsaPreset(csaTrainingPreset('csa'), parseCsaProfile(profile));
  const width = p.model.embedDim;
  const heads = p.model.heads;
  // multiples of the head count; small profiles may round two fractions to one width (kept once)
  const hidden = [...new Set([0.25, 0.5, 1, 2].map((f) => Math.max(heads, Math.round((f * width) / heads) * heads)))];
  const grid: Record<CsaAblationPanel, number[]> = {
    depth: [1, 2, 4, 6],
    hidden,
    weight: [0, 0.1, 0.2, 0.5, 1],
    temperature: [0.5, 1, 2, 4],
  };
  const defaults: Record<CsaAblationPanel, number> = { depth: p.model.depth, hidden: width, weight: p.reconstructionWeight, temperature: p.model.temperature };
  const points: AblationPoint[] = [{ panel: 'default', x: 0 }];
  for (const panel of panels) for (const x of grid[panel]) if (x !== defaults[panel]) points.push({ panel, x });
  return { width, points };
}

const unitOf = (pt: AblationPoint): string => (pt.panel === 'default' ? 'default' : `${pt.panel}=${pt.x}`);

async function cells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]> {
  const profile = o.profile;
  parseCsaProfile(profile);
  const seeds = o.seeds ?? t.spec.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`, { at: '--seeds' });
  // --set panels=depth,temperature (a string) or an array from the API
  const raw = o.kind?.panels;
  const asked = raw === undefined ? [...CSA_ABLATION_PANELS] : Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((p) => p.trim());
  for (const p of asked) if (!(CSA_ABLATION_PANELS as readonly string[]).includes(p)) throw new InputError(`unknown panel "${p}"; panels: ${CSA_ABLATION_PANELS.join(', ')}`, { at: '--panels' });
  const { points } = csaAblationGrid(profile, asked as CsaAblationPanel[]);
  // resolve the data once here so that every cell reads the same files and the key records them
  const probe = loadRsfmFeatures({ ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), data: o.data ?? 'auto', generated: GENERATED[profile]! });
  const settings = { profile, preset: 'csa', data: probe.data, files: probe.files, generated: probe.data === 'synthetic' ? GENERATED[profile] : null };
  log.info(`replaying ${t.id}: ${points.length} trainings x ${seeds} seed(s), ${profile} profile, ${probe.data === 'real' ? 'real' : 'generated'} rSfM120k-style features`);
  const firstOf = new Set<string>();
  const out: CellSpec[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    out.push({ kind: 'csa-ablation', table: t.id, row: 'validation_set', columns: ['validation_models_count'], unit: 'validation-split', seed, settings: { ...settings, point: null } });
    for (const pt of points) {
      const row = pt.panel === 'default' ? 'all_panels' : PANEL_ROW[pt.panel];
      // each row's info columns are filled once, by its first cell (the settings its panel holds fixed)
      const first = pt.panel === 'default' || ((pt.panel === 'depth' || pt.panel === 'hidden') && !firstOf.has(pt.panel));
      if (pt.panel !== 'default') firstOf.add(pt.panel);
      const columns = !first ? [] : row === 'all_panels' ? ['rerank_length_count', 'anchor_length_count'] : row === 'panel_a' ? ['hidden_size_count', 'heads_count'] : ['depth_count'];
      out.push({ kind: 'csa-ablation', table: t.id, row, columns, unit: unitOf(pt), seed, settings: { ...settings, point: pt } });
    }
    firstOf.clear();
  }
  return out;
}

async function compute(c: CellSpec, ctx: CellContext): Promise<CellValue> {
  const s = c.settings as { profile: string; data: 'real' | 'synthetic'; generated: { trainClusters: number; valClusters: number } | null; point: AblationPoint | null };
  const d = loadRsfmFeatures({ ...(ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}), data: s.data, ...(s.generated !== null ? { generated: s.generated } : {}) });
  if (s.point === null) {
    return { values: { validation_models_count: new Set(d.val.clusters).size }, data: d.data, extra: { validationImages: d.val.features.count, validationQueries: d.val.qidxs.length } };
  }
  await useTfjsBackend(ctx.backend as Parameters<typeof useTfjsBackend>[0]);
  const pt = s.point;
  const profile = parseCsaProfile(s.profile);
  const base = scaleCsaPreset(csaTrainingPreset('csa'), profile);
  const model: Partial<CsaConfig> = {};
  let weight: number | undefined;
  if (pt.panel === 'depth') model.depth = pt.x;
  if (pt.panel === 'hidden') model.embedDim = pt.x;
  if (pt.panel === 'temperature') model.temperature = pt.x;
  if (pt.panel === 'weight') weight = pt.x;
  const started = Date.now();
  const trained = trainCsa({
    features: d.train.features,
    clusters: d.train.clusters,
    profile,
    seed: c.seed,
    model,
    ...(weight !== undefined ? { reconstructionWeight: weight } : {}),
    onStep: (done, total) => ctx.onProgress?.(done, total),
  });
  const trainSeconds = (Date.now() - started) / 1000;
  const q = Array.from(d.val.qidxs);
  const first = rankWithinSplit(d.val.features, q);
  const k = Math.min(base.rerankK, d.val.features.count - 1);
  const cfg = trained.model.config;
  const rr = await csaRerank({ db: d.val.features, queries: pickRows(d.val.features, q), rankings: first, model: trained.model, k });
  const fingerprint = csaFingerprint(trained.model.stateDict());
  trained.model.dispose();
  const firstStage = splitMap(first, q, d.val.clusters);
  const reranked = splitMap(rr.rankings, q, d.val.clusters);
  const info: Record<string, number> = {
    rerank_length_count: k,
    anchor_length_count: cfg.anchors,
    hidden_size_count: cfg.embedDim,
    heads_count: cfg.heads,
    depth_count: cfg.depth,
  };
  return {
    values: Object.fromEntries(c.columns.map((col) => [col, info[col]!])),
    data: d.data,
    extra: {
      panel: pt.panel,
      x: pt.x,
      map: reranked.map,
      firstStageMap: firstStage.map,
      queries: reranked.evaluated,
      config: cfg,
      reconstructionWeight: trained.preset.reconstructionWeight,
      history: trained.history,
      fingerprint,
      trainSeconds,
    },
  };
}

/** One plot per panel: validation mAP of the re-ranked lists against the parameter (mean over seeds), first stage as a rule. */
function plots(r: ReplayResult): PlotSpec[] {
  const pts = r.values.flatMap((v) => (v.extra?.panel !== undefined ? [v.extra as { panel: string; x: number; map: number; firstStageMap: number; config: CsaConfig; reconstructionWeight: number }] : []));
  const def = pts.filter((p) => p.panel === 'default');
  const defaultX = (panel: CsaAblationPanel, p: (typeof pts)[number]): number =>
    panel === 'depth' ? p.config.depth : panel === 'hidden' ? p.config.embedDim : panel === 'weight' ? p.reconstructionWeight : p.config.temperature;
  const first = pts.length > 0 ? pts.reduce((s, p) => s + p.firstStageMap, 0) / pts.length : NaN;
  return CSA_ABLATION_PANELS.flatMap((panel) => {
    const mine = [...pts.filter((p) => p.panel === panel), ...def.map((p) => ({ ...p, x: defaultX(panel, p) }))];
    if (mine.length <= def.length) return [];
    const title = `(${PANEL_LETTER[panel]}) ${PANEL_TITLE[panel]}${r.data === 'synthetic' ? ' (generated data, not the paper\'s result)' : ''}`;
    return [
      {
        id: `fig1-${PANEL_LETTER[panel]}`,
        title,
        vegaLite: {
          $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
          title,
          layer: [
            {
              data: { values: mine.map((p) => ({ x: p.x, map: p.map })) },
              mark: { type: 'line', point: true },
              encoding: {
                x: { field: 'x', type: 'quantitative', title: PANEL_TITLE[panel], ...(panel === 'hidden' || panel === 'temperature' ? { scale: { type: 'log', base: 2 } } : {}) },
                y: { field: 'map', type: 'quantitative', aggregate: 'mean', title: 'mAP on the validation split (%)', scale: { zero: false } },
              },
            },
            { data: { values: [{ first }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { field: 'first', type: 'quantitative' } } },
          ],
        },
      },
    ];
  });
}

export const csaAblationKind: TableKind = { id: 'csa-ablation', tables: ['csa-supp/fig1'], cells, compute, plots };
