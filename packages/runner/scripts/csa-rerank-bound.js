#!/usr/bin/env node
/*
 * How far can re-ordering the first stage's top K go? On the generated default retrieval data
 * (feature type r-mac-w, as retrieval-csa-smoke.test.ts uses), per dataset and ground-truth
 * structure: mAP Medium / Hard of the first stage, of alpha-QE (n 10, alpha 3: a second search of
 * the whole database) and of an ORACLE that puts the top K's positives first (Medium: easy + hard;
 * Hard: hard), for several K. CSA re-orders only the top K, so where the oracle at a profile's K is
 * below alpha-QE, no CSA model at that K can beat alpha-QE.
 *
 *   npx -y pnpm@9 run build
 *   nice node packages/runner/scripts/csa-rerank-bound.js [seed=0] [K list=32,64,128,256,512,1024]
 *
 * Structures: `real` follows ../shared/data/revisitop/gnd_<name>.pkl (skipped with one line when
 * absent; DESCBENCH_SHARED names another folder), `generated` the generated one with the official
 * counts. The data seed is the replay's (`bench roxf --data synthetic` uses 0).
 */
'use strict';
const { findSharedDir } = require('../../core/dist/index.js');
const { perfectTopK } = require('../../retrieval/dist/index.js');
const { loadGnd, firstStage, mapMH } = require('./generated-revisitop-first-stage.js');

const seed = Number(process.argv[2] ?? 0);
const Ks = (process.argv[3] ?? '32,64,128,256,512,1024').split(',').map(Number);
const shared = findSharedDir();

const f1 = (x) => x.toFixed(1);
for (const structure of ['real', 'generated']) {
  for (const name of ['roxford5k', 'rparis6k']) {
    const loaded = loadGnd(structure, name, shared, seed);
    if (loaded.gnd === undefined) {
      console.log(`${name} real structure: skipped (${loaded.missing})`);
      continue;
    }
    const { gnd } = loaded;
    const { N, Q, first, qe } = firstStage(gnd, 'r-mac-w', name, seed);
    const a = mapMH(gnd, first, N);
    const b = mapMH(gnd, qe, N);
    const pos = gnd.gnd.map((g) => g.easy.length + g.hard.length).sort((x, y) => x - y);
    console.log(`${name} ${structure} structure (N ${N}, positives per query median ${pos[Q >> 1]}, max ${pos[Q - 1]}): first ${f1(a.medium)} / ${f1(a.hard)}, alpha-QE ${f1(b.medium)} / ${f1(b.hard)} (M / H)`);
    for (const K of Ks.filter((k) => k <= N)) {
      const oracle = (positives) => first.map((o, q) => perfectTopK(o, new Set(positives(gnd.gnd[q])), K));
      const m = mapMH(gnd, oracle((g) => [...g.easy, ...g.hard]), N).medium;
      const h = mapMH(gnd, oracle((g) => g.hard), N).hard;
      console.log(`  oracle top K = ${String(K).padStart(4)} (${f1((100 * K) / N).padStart(4)} % of the database): ${f1(m)} / ${f1(h)}${m > b.medium && h > b.hard ? '' : '  <- not above alpha-QE'}`);
    }
  }
}
