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
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const { findSharedDir } = require('../../core/dist/index.js');
const ds = require('../../datasets/dist/index.js');
const R = require('../../retrieval/dist/index.js');
const { useTfjsBackend } = require('../../models/dist/index.js');
const { evaluateRevisited } = require('../../metrics/dist/index.js');

const cfg = JSON.parse(process.argv[2] ?? '{}');
const smoke = R.scaleCsaPreset(R.csaTrainingPreset(cfg.preset ?? 'csa'), 'smoke');
const preset = {
  ...smoke,
  ...Object.fromEntries(['batch', 'epochs', 'warmupEpochs', 'neighbours', 'lr'].filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]])),
  model: { ...smoke.model, ...Object.fromEntries(['anchors', 'embedDim', 'heads'].filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]])) },
};
const rsfm = cfg.rsfm === 'rsfm-like' ? { trainClusters: 35, clusterSize: ds.RSFM_LIKE_CLUSTER_SIZES } : (cfg.rsfm ?? { trainClusters: 250, valClusters: 50, clusterSize: [5, 40] });
const f1 = (x) => (100 * x).toFixed(1);

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
        let gnd;
        if (structure === 'real') {
          const file = shared === undefined ? undefined : join(shared, 'data', 'revisitop', `gnd_${name}.pkl`);
          if (file === undefined || !existsSync(file)) {
            console.log(`${type} ${name} real structure: skipped (no ${file ?? '../shared'})`);
            continue;
          }
          gnd = ds.readRevisitopGnd(file);
        } else gnd = ds.generateRevisitopGnd(name, { seed: 0 });
        const ft = ds.generateRevisitopTypeFeatures(ds.revisitopStructure(gnd), ds.generatedFeatureType(type), { dataset: name, seed: 0 });
        const N = gnd.imlist.length;
        const Q = gnd.qimlist.length;
        const D = ft.dim;
        const rows = (a, n) => {
          const o = new Float32Array(n * D);
          for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) o[i * D + k] = a[k * n + i];
          return o;
        };
        const db = rows(ft.db, N);
        const qs = rows(ft.query, Q);
        const rank = (q) => {
          const sc = new Float64Array(N);
          for (let i = 0; i < N; i++) {
            let s = 0;
            for (let k = 0; k < D; k++) s += db[i * D + k] * q[k];
            sc[i] = s;
          }
          return { order: Array.from({ length: N }, (_, i) => i).sort((a, b) => sc[b] - sc[a] || a - b), sc };
        };
        const mapMH = (rk) => {
          const data = new Int32Array(N * Q);
          rk.forEach((o, q) => o.forEach((i, j) => (data[j * Q + q] = i)));
          const e = evaluateRevisited({ data, depth: N, queries: Q, layout: 'db-x-queries' }, gnd.gnd, { dbSize: N });
          return `${f1(e.medium.mAP)} / ${f1(e.hard.mAP)}`;
        };
        const first = [];
        const qe = [];
        for (let q = 0; q < Q; q++) {
          const qv = qs.subarray(q * D, (q + 1) * D);
          const r = rank(qv);
          first.push(r.order);
          const acc = Float64Array.from(qv);
          for (let j = 0; j < 10; j++) {
            const w = r.sc[r.order[j]] ** 3;
            for (let k = 0; k < D; k++) acc[k] += w * db[r.order[j] * D + k];
          }
          const n = Math.hypot(...acc);
          qe.push(rank(acc.map((x) => x / n)).order);
        }
        const parts = [`first ${mapMH(first)}`, `alpha-QE ${mapMH(qe)}`];
        for (const k of cfg.k ?? [64, 128, 256]) {
          const rr = await R.csaRerank({ db: R.featureRows(db, N, D, 'db'), queries: R.featureRows(qs, Q, D, 'queries'), rankings: first.map((o) => Int32Array.from(o)), model: trained.model, k });
          parts.push(`CSA K ${k} ${mapMH(rr.rankings.map((x) => Array.from(x)))}`);
        }
        console.log(`${type} ${name} ${structure} structure (M / H): ${parts.join(' | ')}`);
      }
    }
  }
})().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
