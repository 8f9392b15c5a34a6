#!/usr/bin/env node
/*
 * Would another CSA training recipe pass alpha-QE? Trains one re-ranker on generated rSfM120k-style
 * R-GeM features with a recipe given as JSON (the smoke profile's by default), then re-ranks the
 * generated revisitop features of chosen types at several K, on the real gnd structure
 * (../shared/data/revisitop, skipped with one line when absent) and the generated one, and prints
 * mAP Medium / Hard of the first stage, alpha-QE (n 10, alpha 3) and CSA per K. The numbers that
 * issue 12's notes quote for recipes other than smoke's come from this script; compare with the
 * perfect re-ordering bound of csa-rerank-bound.js.
 *
 *   npx -y pnpm@9 run build
 *   node packages/runner/scripts/csa-recipe-probe.js '{"neighbours":128,"heads":3,"epochs":4,"warmupEpochs":1,"k":[128,256]}'
 *
 * JSON (all optional): seed (1), preset (csa | csa-readme), batch, epochs, warmupEpochs,
 * neighbours, anchors, embedDim, heads, lr (default: the smoke profile's), k (list; [64, 128, 256]),
 * types (['r-mac-w']), structures (['real', 'generated']), rsfm ({trainClusters, clusterSize}
 * or "rsfm-like" for the log-normal cluster sizes; default the replay's smoke set), dataDir
 * (default: the data root). Generated data only: never the paper's results.
 */
'use strict';
const { findSharedDir } = require('../../core/dist/index.js');
const ds = require('../../datasets/dist/index.js');
const R = require('../../retrieval/dist/index.js');
const { useTfjsBackend } = require('../../models/dist/index.js');
const { loadGnd, firstStage, mapMH } = require('./generated-revisitop-first-stage.js');

const cfg = JSON.parse(process.argv[2] ?? '{}');
const smoke = R.scaleCsaPreset(R.csaTrainingPreset(cfg.preset ?? 'csa'), 'smoke');
const preset = {
  ...smoke,
  ...Object.fromEntries(['batch', 'epochs', 'warmupEpochs', 'neighbours', 'lr'].filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]])),
  model: { ...smoke.model, ...Object.fromEntries(['anchors', 'embedDim', 'heads'].filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]])) },
};
const rsfm = cfg.rsfm === 'rsfm-like' ? { trainClusters: 35, clusterSize: ds.RSFM_LIKE_CLUSTER_SIZES } : (cfg.rsfm ?? { trainClusters: 250, valClusters: 50, clusterSize: [5, 40] });

(async () => {
  await useTfjsBackend('auto');
  const gen = ds.resolveGeneratedRsfm({ ...(cfg.dataDir ? { dataDir: cfg.dataDir } : {}), ...rsfm, types: ['r-gem'] });
  const f = ds.readFeatureDict(gen.featureFiles['r-gem'], ['train'], { counts: { train: gen.clusters.train.length } }).train;
  const started = Date.now();
  const trained = R.trainCsa({ features: R.featureRows(f.data, f.count, f.dim, 'r-gem'), clusters: gen.clusters.train, preset, profile: 'paper', seed: cfg.seed ?? 1 });
  const { model } = preset;
  console.log(
    `trained on ${f.count} images: ${preset.neighbours} neighbours, L ${model.anchors}, width ${model.embedDim}, ${model.heads} heads, ${preset.epochs} epochs of batch ${preset.batch}, peak lr ${preset.lr}: ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s, training loss per epoch ${trained.history.map((h) => h.loss.toFixed(3)).join(' ')}`,
  );
  const shared = findSharedDir();
  for (const type of cfg.types ?? ['r-mac-w']) {
    for (const structure of cfg.structures ?? ['real', 'generated']) {
      for (const name of ['roxford5k', 'rparis6k']) {
        const loaded = loadGnd(structure, name, shared, 0);
        if (loaded.gnd === undefined) {
          console.log(`${type} ${name} real structure: skipped (${loaded.missing})`);
          continue;
        }
        const { gnd } = loaded;
        const { db, qs, N, Q, D, first, qe } = firstStage(gnd, type, name, 0);
        const mh = (rk) => {
          const m = mapMH(gnd, rk, N);
          return `${m.medium.toFixed(1)} / ${m.hard.toFixed(1)}`;
        };
        const parts = [`first ${mh(first)}`, `alpha-QE ${mh(qe)}`];
        for (const k of cfg.k ?? [64, 128, 256]) {
          const rr = await R.csaRerank({ db: R.featureRows(db, N, D, 'db'), queries: R.featureRows(qs, Q, D, 'queries'), rankings: first.map((o) => Int32Array.from(o)), model: trained.model, k });
          parts.push(`CSA K ${k} ${mh(rr.rankings.map((x) => Array.from(x)))}`);
        }
        console.log(`${type} ${name} ${structure} structure (M / H): ${parts.join(' | ')}`);
      }
    }
  }
})().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
