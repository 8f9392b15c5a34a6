#!/usr/bin/env node
/*
 * Speed of @descbench/metrics against numpy on this machine, same inputs, one run.
 *
 *   npx turbo run build --filter=@descbench/metrics --filter=@descbench/datasets
 *   node benchmarks/speed/metrics.js [repeats=5]
 *
 * Times (best of 4 x `repeats` after 20 warm-up runs for FPR@95, both sides; best of repeats/2 for
 * the rankings) for
 *   1. FPR@95 on 100,000 pairs (50k positive, 50k negative float32 distances), HardNet and HyNet
 *      conventions, against benchmarks/speed/metrics_numpy.py (argsort/cumsum as HardNet, sort as HyNet);
 *   2. revisited mAP + mP@1,5,10 for Easy, Medium and Hard of the 70 roxford5k-like queries over
 *      a 1,000,000-image ranking [1e6, 70] (revisitop layout, int32), against numpy following
 *      revisitop compute_map (np.isin per query column). Our side validates every ranked index
 *      (range and duplicates) in the same pass; the numpy side does not validate.
 * Prints each time and the ours/numpy ratio (< 1 = we are faster), and checks that both sides
 * computed the same numbers. Inputs go to a temporary folder (removed afterwards).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { SeededRng } = require('../../packages/core/dist/index.js');
const { writeNpy } = require('../../packages/datasets/dist/index.js');
const { fpr95, evaluateRevisited, computeMap, revisitedGroundTruth } = require('../../packages/metrics/dist/index.js');

const repeats = Number(process.argv[2] ?? 5);
const N_PAIRS = 100000;
const N_DB = 1000000;
const N_Q = 70;

/** Best wall time of `n` runs after `warm` untimed runs (the JIT compiles the hot loops first). */
function bestOf(fn, n, warm = 0) {
  for (let i = 0; i < warm; i++) fn();
  let best = Infinity;
  let out;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    out = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { seconds: best, value: out };
}

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'descbench-speed-metrics-'));
  try {
    const rng = new SeededRng(2024);
    // 1. pairs: positives ~ |N(0.6, 0.2)|, negatives ~ |N(1.1, 0.2)|, float32
    const labels = new Uint8Array(N_PAIRS);
    const dist = new Float32Array(N_PAIRS);
    for (let i = 0; i < N_PAIRS; i++) {
      labels[i] = i % 2 === 0 ? 1 : 0;
      dist[i] = Math.abs((labels[i] ? 0.6 : 1.1) + 0.2 * rng.normal());
    }
    writeNpy(join(dir, 'labels.npy'), { data: labels, shape: [N_PAIRS] });
    writeNpy(join(dir, 'distances.npy'), { data: dist, shape: [N_PAIRS] });

    // 2. ground truth: 70 queries, easy/hard/junk drawn from the first 5,000 images (like
    //    roxford5k inside R1M); ranking: one random permutation of 1M images, rotated per query,
    //    with each query's easy and hard images moved up to random early ranks.
    const gnd = [];
    for (let q = 0; q < N_Q; q++) {
      const pool = rng.shuffle(Array.from({ length: 5000 }, (_, i) => i));
      const ne = q % 10 === 0 ? 0 : rng.int(5, 60);
      const nh = rng.int(5, 120);
      const nj = rng.int(20, 150);
      gnd.push({ easy: pool.slice(0, ne), hard: pool.slice(ne, ne + nh), junk: pool.slice(ne + nh, ne + nh + nj) });
    }
    const perm = new Int32Array(N_DB);
    for (let i = 0; i < N_DB; i++) perm[i] = i;
    for (let i = N_DB - 1; i > 0; i--) {
      const j = rng.int(0, i);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    const ranks = new Int32Array(N_DB * N_Q);
    const col = new Int32Array(N_DB);
    const where = new Int32Array(N_DB);
    for (let q = 0; q < N_Q; q++) {
      const shift = q * 14281;
      for (let r = 0; r < N_DB; r++) col[r] = perm[(r + shift) % N_DB];
      for (let r = 0; r < N_DB; r++) where[col[r]] = r;
      for (const item of [...gnd[q].easy, ...gnd[q].hard]) {
        const target = rng.int(0, 2000);
        const from = where[item];
        const other = col[target];
        col[target] = item;
        col[from] = other;
        where[item] = target;
        where[other] = from;
      }
      for (let r = 0; r < N_DB; r++) ranks[r * N_Q + q] = col[r];
    }
    writeNpy(join(dir, 'ranks.npy'), { data: ranks, shape: [N_DB, N_Q] });
    writeFileSync(join(dir, 'gnd.json'), JSON.stringify(gnd));

    // ours
    const ours = {};
    ours.fpr95_hardnet = bestOf(() => fpr95(dist, labels).fpr, 4 * repeats, 20);
    ours.fpr95_hynet = bestOf(() => fpr95(dist, labels, { convention: 'hynet' }).fpr, 4 * repeats, 20);
    const ranking = { data: ranks, depth: N_DB, queries: N_Q, layout: 'db-x-queries' };
    ours.revisited = bestOf(() => evaluateRevisited(ranking, gnd, { dbSize: N_DB }), Math.max(1, Math.floor(repeats / 2)));
    ours.revisited_3x = bestOf(
      () => ['easy', 'medium', 'hard'].map((p) => computeMap(ranking, revisitedGroundTruth(gnd, p), { dbSize: N_DB })),
      Math.max(1, Math.floor(repeats / 2)),
    );

    // numpy
    const py = JSON.parse(
      execFileSync('python3', [join(__dirname, 'metrics_numpy.py'), dir, String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 26 }),
    );

    // same numbers on both sides
    const same = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    const checks = [
      same(ours.fpr95_hardnet.value, py.fpr95_hardnet.value),
      same(ours.fpr95_hynet.value, py.fpr95_hynet.value),
      ...['easy', 'medium', 'hard'].flatMap((p) => [
        same(ours.revisited.value[p].mAP, py.revisited.value[p][0]),
        ...[0, 1, 2].map((k) => same(ours.revisited.value[p].mPk[k], py.revisited.value[p][1][k])),
      ]),
    ];
    const rows = [
      ['FPR@95 hardnet, 100k pairs', ours.fpr95_hardnet.seconds, py.fpr95_hardnet.seconds],
      ['FPR@95 hynet, 100k pairs', ours.fpr95_hynet.seconds, py.fpr95_hynet.seconds],
      ['revisited E/M/H, 70 q x 1M (one pass)', ours.revisited.seconds, py.revisited.seconds],
      ['revisited E/M/H, 70 q x 1M (3 x computeMap)', ours.revisited_3x.seconds, py.revisited.seconds],
    ];
    process.stdout.write(`node ${process.version}, numpy (python3); FPR@95: best of ${4 * repeats} after 20 warm-up runs; revisited: best of ${Math.max(1, Math.floor(repeats / 2))}\n`);
    process.stdout.write('| computation | ours (ms) | numpy (ms) | ours/numpy |\n|---|---:|---:|---:|\n');
    for (const [name, a, b] of rows) {
      process.stdout.write(`| ${name} | ${(a * 1000).toFixed(2)} | ${(b * 1000).toFixed(2)} | ${(a / b).toFixed(3)} |\n`);
    }
    process.stdout.write(`results agree with numpy: ${checks.every(Boolean) ? 'yes' : 'NO'} (FPR@95 hardnet ${ours.fpr95_hardnet.value}, mAP medium ${ours.revisited.value.medium.mAP.toFixed(6)})\n`);
    if (!checks.every(Boolean)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
