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
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const { findSharedDir } = require('../../core/dist/index.js');
const ds = require('../../datasets/dist/index.js');
const { evaluateRevisited } = require('../../metrics/dist/index.js');

const seed = Number(process.argv[2] ?? 0);
const Ks = (process.argv[3] ?? '32,64,128,256,512,1024').split(',').map(Number);
const shared = findSharedDir();

/** Database indices by descending dot product with q (ties by index) and the scores. */
function rank(db, N, D, q) {
  const sc = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += db[i * D + k] * q[k];
    sc[i] = s;
  }
  return { order: Array.from({ length: N }, (_, i) => i).sort((a, b) => sc[b] - sc[a] || a - b), sc };
}

function mapMH(gnd, rankings, N) {
  const Q = rankings.length;
  const data = new Int32Array(N * Q);
  rankings.forEach((o, q) => o.forEach((i, j) => (data[j * Q + q] = i)));
  const r = evaluateRevisited({ data, depth: N, queries: Q, layout: 'db-x-queries' }, gnd.gnd, { dbSize: N });
  return { medium: 100 * r.medium.mAP, hard: 100 * r.hard.mAP };
}

const f1 = (x) => x.toFixed(1);
for (const structure of ['real', 'generated']) {
  for (const name of ['roxford5k', 'rparis6k']) {
    let gnd;
    if (structure === 'real') {
      const file = shared === undefined ? undefined : join(shared, 'data', 'revisitop', `gnd_${name}.pkl`);
      if (file === undefined || !existsSync(file)) {
        console.log(`${name} real structure: skipped (no ${file ?? '../shared'})`);
        continue;
      }
      gnd = ds.readRevisitopGnd(file);
    } else gnd = ds.generateRevisitopGnd(name, { seed });
    const f = ds.generateRevisitopTypeFeatures(ds.revisitopStructure(gnd), ds.generatedFeatureType('r-mac-w'), { dataset: name, seed });
    const N = gnd.imlist.length;
    const Q = gnd.qimlist.length;
    const D = f.dim;
    const rows = (a, n) => {
      const o = new Float32Array(n * D);
      for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) o[i * D + k] = a[k * n + i];
      return o;
    };
    const db = rows(f.db, N);
    const qs = rows(f.query, Q);
    const first = [];
    const qe = [];
    for (let q = 0; q < Q; q++) {
      const qv = qs.subarray(q * D, (q + 1) * D);
      const r = rank(db, N, D, qv);
      first.push(r.order);
      const acc = Float64Array.from(qv);
      for (let j = 0; j < 10; j++) {
        const w = r.sc[r.order[j]] ** 3;
        for (let k = 0; k < D; k++) acc[k] += w * db[r.order[j] * D + k];
      }
      const n = Math.hypot(...acc);
      qe.push(rank(db, N, D, acc.map((x) => x / n)).order);
    }
    const a = mapMH(gnd, first, N);
    const b = mapMH(gnd, qe, N);
    const pos = gnd.gnd.map((g) => g.easy.length + g.hard.length).sort((x, y) => x - y);
    console.log(`${name} ${structure} structure (N ${N}, positives per query median ${pos[Q >> 1]}, max ${pos[Q - 1]}): first ${f1(a.medium)} / ${f1(a.hard)}, alpha-QE ${f1(b.medium)} / ${f1(b.hard)} (M / H)`);
    for (const K of Ks.filter((k) => k <= N)) {
      const oracle = (positives) =>
        first.map((o, q) => {
          const p = new Set(positives(gnd.gnd[q]));
          const head = o.slice(0, K);
          return [...head.filter((i) => p.has(i)), ...head.filter((i) => !p.has(i)), ...o.slice(K)];
        });
      const m = mapMH(gnd, oracle((g) => [...g.easy, ...g.hard]), N).medium;
      const h = mapMH(gnd, oracle((g) => g.hard), N).hard;
      console.log(`  oracle top K = ${String(K).padStart(4)} (${f1((100 * K) / N).padStart(4)} % of the database): ${f1(m)} / ${f1(h)}${m > b.medium && h > b.hard ? '' : '  <- not above alpha-QE'}`);
    }
  }
}
