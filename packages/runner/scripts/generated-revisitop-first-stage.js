/*
 * Shared by csa-rerank-bound.js and csa-recipe-probe.js: the generated default revisitop features
 * of one type on one gnd structure, their first-stage rankings and alpha-QE's (n 10, alpha 3: a
 * second search of the whole database), and mAP Medium / Hard of any rankings. Not a command.
 */
'use strict';
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const ds = require('../../datasets/dist/index.js');
const { evaluateRevisited } = require('../../metrics/dist/index.js');

/** The gnd of `name` for `structure` ('real': ../shared's pickle, 'generated'), or a reason it is missing. */
function loadGnd(structure, name, shared, seed) {
  if (structure !== 'real') return { gnd: ds.generateRevisitopGnd(name, { seed }) };
  const file = shared === undefined ? undefined : join(shared, 'data', 'revisitop', `gnd_${name}.pkl`);
  if (file === undefined || !existsSync(file)) return { missing: `no ${file ?? '../shared'}` };
  return { gnd: ds.readRevisitopGnd(file) };
}

/** Database indices by descending dot product with q (ties by index), and the scores. */
function rank(db, N, D, q) {
  const sc = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += db[i * D + k] * q[k];
    sc[i] = s;
  }
  return { order: Array.from({ length: N }, (_, i) => i).sort((a, b) => sc[b] - sc[a] || a - b), sc };
}

/** Features of `type` (rows: db [N x D], qs [Q x D]), first-stage and alpha-QE rankings per query. */
function firstStage(gnd, type, name, seed) {
  const f = ds.generateRevisitopTypeFeatures(ds.revisitopStructure(gnd), ds.generatedFeatureType(type), { dataset: name, seed });
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
  return { db, qs, N, Q, D, first, qe };
}

/** mAP Medium / Hard (%) of per-query rankings (database indices, best first). */
function mapMH(gnd, rankings, N) {
  const Q = rankings.length;
  const data = new Int32Array(N * Q);
  rankings.forEach((o, q) => o.forEach((i, j) => (data[j * Q + q] = i)));
  const r = evaluateRevisited({ data, depth: N, queries: Q, layout: 'db-x-queries' }, gnd.gnd, { dbSize: N });
  return { medium: 100 * r.medium.mAP, hard: 100 * r.hard.mAP };
}

module.exports = { loadGnd, firstStage, mapMH };
