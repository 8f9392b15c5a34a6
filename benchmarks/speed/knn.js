#!/usr/bin/env node
/*
 * Exact kNN speed and memory of @descbench/retrieval's engines against numpy on this machine, in one run.
 *
 *   npx turbo run build --filter=@descbench/retrieval --filter=@descbench/datasets
 *   nice node benchmarks/speed/knn.js [db=1001001] [dim=2048] [queries=70] [engines=onnx,usearch]
 *
 * 1. numpy (benchmarks/speed/knn_numpy.py) generates the database once, deterministically: `db`
 *    unit vectors as a float16 .npy (R1M: 1,001,001 x 2048 = 4.1 GB) and the queries (float32) in a
 *    temporary folder that both sides read.
 * 2. numpy loads it and searches it (top 100 per query, then the full ranking) in its own process;
 *    its peak RSS is that process's.
 * 3. We stream the same file into float16 blocks (readNpyFloat16Rows), check first that every engine
 *    ranks the first 50,000 vectors as numpy does (revisitop's argsort on float32; ranks may differ
 *    only between scores within 1e-5, i.e. float32 summation-order ties), then time each engine's top
 *    100 and the onnx engine's full ranking ([db, Q], what revisitop evaluates).
 * Prints queries x database vectors per second per engine and numpy, the ratio ours / numpy (> 1 =
 * we are faster), the peak RSS of both processes, and the load average before and after. The
 * fastest exact engine is the library's default (`exactKnn`, engine `onnx`).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { exactKnn, blockStore } = require('../../packages/retrieval/dist/index.js');
const { readNpy, readNpyFloat16Rows } = require('../../packages/datasets/dist/index.js');

const N = Number(process.argv[2] ?? 1001001);
const D = Number(process.argv[3] ?? 2048);
const Q = Number(process.argv[4] ?? 70);
const engines = (process.argv[5] ?? 'onnx,usearch').split(',');
const CHECK_N = Math.min(N, 50000);

const rate = (secs) => (Q * N) / secs;
const fmt = (x) => `${(x / 1e6).toFixed(2)} M`;
const gib = (kib) => `${(kib / 2 ** 20).toFixed(2)} GiB`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const seconds = (t) => Number(process.hrtime.bigint() - t) / 1e9;
const numpy = (args) => JSON.parse(execFileSync('python3', [join(__dirname, 'knn_numpy.py'), ...args.map(String)], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] }));

/** The first n rows of a store (views of its blocks). */
function head(store, n) {
  const blocks = [];
  for (const b of store.blocks) {
    if (n <= 0) break;
    const take = Math.min(n, b.length / store.dim);
    blocks.push(b.subarray(0, take * store.dim));
    n -= take;
  }
  return blockStore(blocks, store.dim);
}

async function main() {
  const load0 = load();
  console.log(`kNN benchmark: ${Q} queries x ${N} vectors of ${D} dimensions (float16 storage); load average ${load0}`);
  const tmp = mkdtempSync(join(tmpdir(), 'knn-bench-'));
  try {
    const gen = numpy(['generate', tmp, N, D, Q]);
    console.log(`generated ${join(tmp, 'db.npy')} (float16) and q.npy with numpy in ${gen.seconds.toFixed(1)} s`);
    const check = numpy(['check', tmp, CHECK_N]);
    const np = numpy(['scale', tmp]);
    console.log(`numpy: loaded in ${np.load_seconds.toFixed(1)} s; top 100 in ${np.top_seconds.toFixed(1)} s = ${fmt(rate(np.top_seconds))} query x vector / s; full ranking in ${np.seconds.toFixed(1)} s = ${fmt(rate(np.seconds))}; peak RSS ${gib(np.max_rss_kib)}`);

    let t = process.hrtime.bigint();
    const rows = readNpyFloat16Rows(join(tmp, 'db.npy'), { dim: D, count: N });
    const db = blockStore(rows.blocks, D);
    const queries = readNpy(join(tmp, 'q.npy')).data;
    console.log(`ours: streamed db.npy into ${rows.blocks.length} float16 blocks in ${seconds(t).toFixed(1)} s`);
    for (const e of engines) {
      const r = await exactKnn(head(db, CHECK_N), queries, { k: 100, engine: e });
      let differ = 0;
      for (let i = 0; i < check.ranks.length; i++) if (check.ranks[i] !== r.ranks[i] && Math.abs(check.scores[i] - r.scores[i]) > 1e-5) differ++;
      console.log(`check ${e}: top 100 of ${Q} queries over the first ${CHECK_N} vectors: ${differ} rank(s) differ from numpy beyond float32 ties`);
      if (differ > 0) throw new Error(`${e} does not rank as numpy does`);
    }
    const top = {};
    for (const e of engines) {
      t = process.hrtime.bigint();
      await exactKnn(db, queries, { k: 100, engine: e });
      top[e] = seconds(t);
      console.log(`${e}: top 100 in ${top[e].toFixed(1)} s = ${fmt(rate(top[e]))} query x vector / s`);
    }
    t = process.hrtime.bigint();
    await exactKnn(db, queries, { k: N, engine: 'onnx' });
    const full = seconds(t);
    console.log(`onnx: full ranking [${N}, ${Q}] in ${full.toFixed(1)} s = ${fmt(rate(full))} query x vector / s`);
    console.log('');
    console.log('engine   top 100 (q x v / s)  vs numpy   full ranking (q x v / s)  vs numpy   peak RSS');
    console.log(`numpy    ${fmt(rate(np.top_seconds)).padEnd(21)}1.00       ${fmt(rate(np.seconds)).padEnd(26)}1.00       ${gib(np.max_rss_kib)}`);
    const ours = gib(process.resourceUsage().maxRSS);
    for (const e of engines) {
      const f = e === 'onnx' ? [fmt(rate(full)).padEnd(26), (np.seconds / full).toFixed(2).padEnd(11)] : ['-'.padEnd(26), '-'.padEnd(11)];
      console.log(`${e.padEnd(9)}${fmt(rate(top[e])).padEnd(21)}${(np.top_seconds / top[e]).toFixed(2).padEnd(11)}${f.join('')}${ours} (this process, all engines)`);
    }
    console.log(`load average before ${load0}, after ${load()} (2 cores: values above 2 mean the machine was shared)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
