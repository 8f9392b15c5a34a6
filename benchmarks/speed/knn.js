#!/usr/bin/env node
/*
 * Exact kNN speed of @descbench/retrieval's engines against numpy on this machine, one run.
 *
 *   npx turbo run build --filter=@descbench/retrieval
 *   node benchmarks/speed/knn.js [db=1001001] [dim=2048] [queries=70] [engines=onnx,usearch]
 *
 * 1. Same inputs, checked: 50,000 generated unit vectors (float32) and the queries are written to a
 *    temporary folder; each engine and numpy (benchmarks/speed/knn_numpy.py: chunked float32
 *    matrix product + argsort, as revisitop's `np.argsort(-np.dot(X.T, Q), axis=0)`) compute the
 *    top 100; the rankings must agree (up to float32 near-ties).
 * 2. Scale: `db` generated unit vectors stored as float16 (R1M: 1,001,001 x 2048 = 4.1 GB): the
 *    top 100 of every query per engine, then the full ranking ([db, Q], what revisitop evaluates)
 *    with the fastest; numpy runs the same searches on its own generated float16 array of that
 *    shape (chunks cast to float32; argpartition for the top 100, argsort for the full ranking).
 * Prints queries x database vectors per second per engine and numpy, the ratio ours / numpy
 * (> 1 = we are faster) and the peak resident memory of each process (Node: process.resourceUsage;
 * numpy: resource.getrusage). The fastest exact engine is the library's default (`exactKnn`).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { exactKnn, vectorStore, toFloat16Bits } = require('../../packages/retrieval/dist/index.js');

const N = Number(process.argv[2] ?? 1001001);
const D = Number(process.argv[3] ?? 2048);
const Q = Number(process.argv[4] ?? 70);
const engines = (process.argv[5] ?? 'onnx,usearch').split(',');
const CHECK_N = Math.min(N, 50000);

/** Unit vectors from a seeded xorshift32 (uniform in [-1, 1) per component, then L2-normalised). */
function generate(n, d, seed, f16) {
  let s = seed >>> 0 || 1;
  const out = f16 ? new Uint16Array(n * d) : new Float32Array(n * d);
  const row = new Float32Array(d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      const v = s / 2147483648 - 1;
      row[k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let k = 0; k < d; k++) out[i * d + k] = f16 ? toFloat16Bits(row[k] / norm) : row[k] / norm;
  }
  return out;
}

const rate = (secs) => (Q * N) / secs;
const fmt = (x) => `${(x / 1e6).toFixed(2)} M`;

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'knn-bench-'));
  try {
    const queries = generate(Q, D, 7, false);
    // 1. agreement on the same inputs
    const small = generate(CHECK_N, D, 11, false);
    writeFileSync(join(tmp, 'db.f32'), small);
    writeFileSync(join(tmp, 'q.f32'), queries);
    const py = JSON.parse(execFileSync('python3', [join(__dirname, 'knn_numpy.py'), 'check', tmp, String(CHECK_N), String(D), String(Q)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
    for (const e of engines) {
      const r = await exactKnn(vectorStore(small, CHECK_N, D), queries, { k: 100, engine: e });
      let differ = 0;
      for (let i = 0; i < py.ranks.length; i++) if (py.ranks[i] !== r.ranks[i] && Math.abs(py.scores[i] - r.scores[i]) > 1e-5) differ++;
      console.log(`check ${e}: top 100 of ${Q} queries over ${CHECK_N} vectors, ${differ} rank(s) differ from numpy beyond float32 ties`);
      if (differ > 0) process.exitCode = 1;
    }
    // 2. scale
    console.log(`generating ${N} x ${D} float16 unit vectors ...`);
    let t = process.hrtime.bigint();
    const db = generate(N, D, 13, true);
    console.log(`  ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s, ${(db.byteLength / 2 ** 30).toFixed(2)} GiB`);
    const top = {};
    for (const e of engines) {
      t = process.hrtime.bigint();
      await exactKnn(vectorStore(db, N, D), queries, { k: 100, engine: e });
      top[e] = Number(process.hrtime.bigint() - t) / 1e9;
      console.log(`${e}: top 100 of ${Q} queries x ${N} vectors in ${top[e].toFixed(1)} s = ${fmt(rate(top[e]))} query x vector / s; peak RSS so far ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB`);
    }
    // the full ranking keeps every score (dense path); onnx is the engine for it (usearch would have to return whole chunks)
    const best = engines.includes('onnx') ? 'onnx' : engines[0];
    t = process.hrtime.bigint();
    await exactKnn(vectorStore(db, N, D), queries, { k: N, engine: best });
    const full = Number(process.hrtime.bigint() - t) / 1e9;
    console.log(`${best}: full ranking [${N}, ${Q}] (what revisitop evaluates) in ${full.toFixed(1)} s = ${fmt(rate(full))} query x vector / s; peak RSS so far ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB`);
    const np = JSON.parse(execFileSync('python3', [join(__dirname, 'knn_numpy.py'), 'scale', tmp, String(N), String(D), String(Q)], { encoding: 'utf8' }));
    console.log(`numpy: top 100 in ${np.top_seconds.toFixed(1)} s = ${fmt(rate(np.top_seconds))}; full ranking in ${np.seconds.toFixed(1)} s = ${fmt(rate(np.seconds))} query x vector / s; peak RSS ${(np.max_rss_kib / 2 ** 20).toFixed(2)} GiB`);
    for (const e of engines) console.log(`ratio ${e} / numpy, top 100 (throughput, > 1 = faster): ${(np.top_seconds / top[e]).toFixed(2)}`);
    console.log(`ratio ${best} / numpy, full ranking: ${(np.seconds / full).toFixed(2)}`);
    console.log(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
