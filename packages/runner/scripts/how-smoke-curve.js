#!/usr/bin/env node
/*
 * Does HOW's training help at a profile, and when? One training of the `how` row (issue 15's
 * must-show: trained beats its own untrained backbone on SfM-val, ROxf M / H, RPar M / H), its
 * untrained backbone and the trained model after chosen epochs, each evaluated as the replay's
 * cell does (evaluateHow) on BOTH revisitop ground-truth structures in one run: `generated` (what
 * a clone without ../shared gets) and `real` (../shared/data/revisitop/gnd_<name>.pkl, skipped
 * when absent). One JSON line per checkpoint; the first `--epochs` epochs of a longer run are the
 * same as a run of that length (same per-epoch draws and learning-rate decay), so one run gives
 * the curve.
 *
 *   npx -y pnpm@9 run build
 *   nice node packages/runner/scripts/how-smoke-curve.js '{"seed":1,"at":[10,20],"train":{"lr":3e-4}}'
 *
 * JSON argument (all optional): profile (smoke), seed (1), at (epochs to evaluate after; default
 * the last), train and val (overrides of the profile's training and SfM-val settings), dim, topk (of the
 * profile's). Overrides change the preset in this process only. Generated images only: never the
 * paper's results.
 */
'use strict';
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const { findSharedDir, parseBackendName } = require('../../core/dist/index.js');
const ds = require('../../datasets/dist/index.js');
const { useTfjsBackend } = require('../../models/dist/index.js');
const R = require('../../retrieval/dist/index.js');
const { evaluateHow, untrainedHow } = require('../dist/engine/kinds/how-asmk.js');

const cfg = JSON.parse(process.argv[2] ?? '{}');
const profile = R.parseHowProfile(cfg.profile ?? 'smoke');
const seed = cfg.seed ?? 1;
const P = R.HOW_PROFILE_SETTINGS[profile];
Object.assign(P.train, cfg.train ?? {});
Object.assign(P.val, cfg.val ?? {});
if (cfg.dim !== undefined) P.dim = cfg.dim;
if (cfg.topk !== undefined) P.topk = cfg.topk;
const at = new Set(cfg.at ?? [P.train.epochs]);

const shared = findSharedDir();
const names = ['roxford5k', 'rparis6k'];
const realFiles = names.map((n) => (shared ? join(shared, 'data', 'revisitop', `gnd_${n}.pkl`) : ''));
const structures = [{ key: 'generated', datasets: names.map((name) => ({ name, gnd: 'generated' })) }];
if (realFiles.every((f) => f !== '' && existsSync(f))) structures.push({ key: 'real', datasets: names.map((name, i) => ({ name, gnd: { file: realFiles[i], manifest: null } })) });
else process.stderr.write(`how-smoke-curve: no real revisitop gnd (${shared ? realFiles.join(', ') : '../shared not found'}): the generated structure only\n`);

(async () => {
  const backend = (await useTfjsBackend(parseBackendName('wasm'))).backend;
  const started = Date.now();
  const train = ds.renderLandmarkClusters({ split: 'train', clusters: P.train.clusters, views: P.train.views, size: P.imageSize }).clusters;
  const val = ds.renderLandmarkClusters({ split: 'val', clusters: P.val.clusters, views: P.val.views, size: P.imageSize }).clusters;
  const codebook = train.map((v) => v[0]);
  const spec = { backbone: P.backbone, dim: P.dim, seed };
  const variant = R.HOW_VARIANTS.how;
  const report = (label, m) => {
    const out = { profile, seed, at: label };
    structures.forEach((st, i) => {
      const s = { profile, variant, backend, sfmVal: i === 0, datasets: st.datasets, memory: false, distractors: 0, untrained: false, images: ds.LANDMARK_IMAGES_VERSION };
      const v = evaluateHow(m, s, codebook, val).values;
      if (i === 0) out.sfm_val = +v.sfm_val_map_pct.toFixed(1);
      for (const [k, x] of Object.entries(v)) if (k !== 'sfm_val_map_pct') out[`${st.key}_${k.replace(/_map_pct$/, '')}`] = +x.toFixed(1);
    });
    out.seconds = (Date.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify(out)}\n`);
  };
  report('untrained', untrainedHow(variant, spec, train, P.imageSize));
  const m = R.createHowModel(variant, spec);
  const perEpoch = Math.floor(P.train.tuples / P.train.batch);
  const epochs = Math.max(P.train.epochs, ...at);
  R.trainHow(m, train, P.imageSize, {
    ...P.train,
    epochs,
    seed,
    onStep: (i) => {
      const e = (i + 1) / perEpoch;
      if (Number.isInteger(e) && at.has(e)) report(`epoch ${e}`, m);
    },
  });
})();
