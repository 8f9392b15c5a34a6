#!/usr/bin/env node
/*
 * Speed of @descbench/models against PyTorch CPU on this machine, same architectures and threads,
 * PyTorch and ours interleaved several times so that one noisy run does not decide.
 *
 *   npx turbo run build --filter=@descbench/models
 *   node benchmarks/speed/models.js [threads=1] [rounds=3] [repeats=5] [train-repeats=3] [items=onnx,wasm,train]
 *
 * Each round runs PyTorch (benchmarks/speed/models_torch.py, torch.set_num_threads(threads)) and
 * then ours, alternating which goes first; each side times every item `repeats` times after a
 * warm-up run (training: `train-repeats`) and keeps the median. Items (`items` picks some: a
 * round of all of them takes minutes on a loaded machine). DESCBENCH_WASM_FMA=0 measures the SIMD128 kernels
 * instead of the relaxed-SIMD (fused multiply-add) ones; the header line says which ran:
 *   1. inference of L2-Net and HyNet at batch 256 and 1024: ONNX (onnxruntime-node, CPU provider,
 *      `threads` intra-op threads) and tfjs on the wasm backend (in chunks of 256), against
 *      PyTorch eval (no_grad);
 *   2. one training step at batch 256 (forward in training mode, a fixed surrogate loss
 *      mean(desc_a . desc_b) over two halves of the batch, backward, SGD momentum 0.9, BatchNorm
 *      running statistics updated): tfjs wasm (single-threaded) against PyTorch.
 * A ratio is ours / PyTorch in patches/s (> 1: we are faster), one per round; the table prints
 * the median over rounds and the range. Ratios use CPU time (process CPU seconds: every thread of
 * the process, so a 1-thread side is not charged for the machine's other load) and, beside them,
 * wall time. The load average is printed before and after. Goals: ONNX >= 2x PyTorch inference;
 * wasm training >= 0.5x PyTorch. The same seeded weights and inputs on both sides.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { cpus, loadavg } = require('node:os');
const { join } = require('node:path');
const tf = require(require.resolve('@tensorflow/tfjs-core', { paths: [join(__dirname, '../../packages/models')] }));
const models = require('../../packages/models/dist/index.js');

const threads = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 3);
const repeats = Number(process.argv[4] ?? 5);
const trainRepeats = Number(process.argv[5] ?? 3);
const items = new Set((process.argv[6] ?? 'onnx,wasm,train').split(','));
for (const i of items) if (!['onnx', 'wasm', 'train'].includes(i)) throw new Error(`unknown item "${i}": onnx, wasm or train`);
const ARCHS = ['l2net', 'hynet'];
const BATCHES = [256, 1024];
const TRAIN_BATCH = 256;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median wall and CPU seconds of `n` runs after one warm-up run. */
async function timed(fn, n) {
  await fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    await fn();
    const dc = process.cpuUsage(c);
    wall.push(Number(process.hrtime.bigint() - t) / 1e9);
    cpu.push((dc.user + dc.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function patches(n) {
  const x = new Float32Array(n * 1024);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}

function runTorch() {
  const torchItems = [...(items.has('onnx') || items.has('wasm') ? ['eval'] : []), ...(items.has('train') ? ['train'] : [])].join(',');
  const out = execFileSync('/usr/bin/python3', [join(__dirname, 'models_torch.py'), String(threads), String(repeats), String(TRAIN_BATCH), String(trainRepeats), torchItems, ...BATCHES.map(String)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

/** Our side of one round: `<arch>/<onnx|wasm|wasm-train>/<batch>` -> { patches, wall, cpu }. */
async function runOurs() {
  const ours = {};
  for (const arch of ARCHS) {
    const onnx = await models.createModel(arch, { runtime: 'onnx', threads, seed: 1 });
    const wasm = await models.createModel(arch, { runtime: 'tfjs', seed: 1 });
    for (const b of BATCHES) {
      const x = patches(b);
      if (items.has('onnx')) ours[`${arch}/onnx/${b}`] = { patches: b, ...(await timed(() => onnx.describe(x, b), repeats)) };
      if (items.has('wasm')) ours[`${arch}/wasm/${b}`] = { patches: b, ...(await timed(() => wasm.describe(x, b), repeats)) };
    }
    onnx.dispose();
    wasm.dispose();
    if (!items.has('train')) continue;
    const net = await models.createTfjsNet(arch, { seed: 1 });
    const opt = tf.train.momentum(0.01, 0.9);
    const x = patches(TRAIN_BATCH);
    const step = async () => {
      const stats = [];
      const cost = opt.minimize(
        () => {
          const d = net.forward(models.patchesToTensor(x, TRAIN_BATCH, 32), { training: true, dropoutSeed: 1 }, stats);
          const [a, p] = tf.split(d, 2, 0);
          return tf.mean(tf.sum(tf.mul(a, p), 1));
        },
        true,
        net.trainableVariables(),
      );
      await cost.data();
      cost.dispose();
      net.applyBatchStats(stats);
    };
    ours[`${arch}/wasm-train/${TRAIN_BATCH}`] = { patches: TRAIN_BATCH, ...(await timed(step, trainRepeats)) };
    opt.dispose();
    net.dispose();
  }
  return ours;
}

async function main() {
  await models.useTfjsBackend('wasm');
  const load0 = loadavg()[0];
  const rows = [];
  for (const arch of ARCHS) {
    for (const b of BATCHES) for (const path of ['onnx', 'wasm'].filter((p) => items.has(p))) rows.push({ arch, path, batch: b, ours: `${arch}/${path}/${b}`, torch: `${arch}/eval/${b}`, goal: path === 'onnx' ? '>= 2' : '' });
    if (items.has('train')) rows.push({ arch, path: 'wasm-train', batch: TRAIN_BATCH, ours: `${arch}/wasm-train/${TRAIN_BATCH}`, torch: `${arch}/train/${TRAIN_BATCH}`, goal: '>= 0.5' });
  }
  const per = rows.map(() => ({ cpu: [], wall: [], oursRate: [], torchRate: [] }));
  for (let r = 0; r < rounds; r++) {
    // alternate who goes first, so a load trend does not favour one side
    let torch;
    let ours;
    if (r % 2 === 0) {
      torch = runTorch();
      ours = await runOurs();
    } else {
      ours = await runOurs();
      torch = runTorch();
    }
    rows.forEach((row, i) => {
      const o = ours[row.ours];
      const t = torch[row.torch];
      per[i].cpu.push(t.cpu / o.cpu);
      per[i].wall.push(t.wall / o.wall);
      per[i].oursRate.push(o.patches / o.cpu);
      per[i].torchRate.push(t.patches / t.cpu);
    });
    console.error(`round ${r + 1}/${rounds} (load average ${loadavg()[0].toFixed(1)}): ${rows.map((row, i) => `${row.arch}/${row.path}/${row.batch} ${per[i].cpu.at(-1).toFixed(2)}`).join(', ')}`);
  }
  const range = (xs) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
  console.log(`threads=${threads}, ${rounds} interleaved rounds, median of ${repeats} runs per item (training ${trainRepeats}); load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, ${cpus().length} cores; wasm training kernels: ${models.trainKernelsBuild()}`);
  console.log('ratio = ours / PyTorch CPU in patches/s (> 1: ours faster); median over rounds [range]; patches/s per CPU second');
  console.log(['arch', 'path', 'batch', 'ours p/s', 'pytorch p/s', 'ratio (CPU time)', 'ratio (wall)', 'goal'].join('\t'));
  rows.forEach((row, i) => {
    const p = per[i];
    console.log([row.arch, row.path, row.batch, median(p.oursRate).toFixed(0), median(p.torchRate).toFixed(0), `${median(p.cpu).toFixed(2)} [${range(p.cpu)}]`, `${median(p.wall).toFixed(2)} [${range(p.wall)}]`, row.goal].join('\t'));
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
