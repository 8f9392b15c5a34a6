#!/usr/bin/env node
/*
 * Speed of @descbench/models against PyTorch CPU on this machine, same architectures and threads.
 *
 *   npx turbo run build --filter=@descbench/models
 *   node benchmarks/speed/models.js [threads=1] [repeats=5]
 *
 * Measures patches/s (best of `repeats`) of
 *   1. inference of L2-Net and HyNet at batch 256 and 1024: ONNX (onnxruntime-node, CPU provider,
 *      `threads` intra-op threads) and tfjs on the wasm backend, against PyTorch eval on CPU
 *      (benchmarks/speed/models_torch.py, torch.set_num_threads(threads), no_grad);
 *   (the tfjs descriptor runs large batches in chunks of 256 to bound the wasm heap);
 *   2. one training step at batch 256 (forward in training mode, a fixed surrogate loss
 *      mean(desc_a . desc_b) over two halves of the batch, backward, SGD momentum 0.9, BatchNorm
 *      running statistics updated): tfjs wasm against PyTorch CPU.
 * PyTorch runs before and after our side and keeps the better figure of the two (the machine may
 * be shared). Prints each figure and the ratio ours/PyTorch (> 1 = we are faster). Goals: ONNX >= 2x PyTorch
 * inference; wasm training >= 0.15x PyTorch. The same seeded weights and inputs on both sides.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const tf = require(require.resolve('@tensorflow/tfjs-core', { paths: [join(__dirname, '../../packages/models')] }));
const models = require('../../packages/models/dist/index.js');

const threads = Number(process.argv[2] ?? 1);
const repeats = Number(process.argv[3] ?? 5);
const ARCHS = ['l2net', 'hynet'];
const BATCHES = [256, 1024];
const TRAIN_BATCH = 256;

async function bestOf(fn, n) {
  await fn(); // warm-up
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

function patches(n) {
  const x = new Float32Array(n * 1024);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}

function runTorch() {
  const out = execFileSync('/usr/bin/python3', [join(__dirname, 'models_torch.py'), String(threads), String(repeats), String(TRAIN_BATCH), ...BATCHES.map(String)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

async function main() {
  const torchBefore = runTorch();
  console.error(`PyTorch (first run): ${JSON.stringify(torchBefore)}`);
  await models.useTfjsBackend('wasm');
  const ours = {};
  for (const arch of ARCHS) {
    const onnx = await models.createModel(arch, { runtime: 'onnx', threads, seed: 1 });
    const wasm = await models.createModel(arch, { runtime: 'tfjs', seed: 1 });
    for (const b of BATCHES) {
      const x = patches(b);
      ours[`${arch}/onnx/${b}`] = b / (await bestOf(() => onnx.describe(x, b), repeats));
      ours[`${arch}/wasm/${b}`] = b / (await bestOf(() => wasm.describe(x, b), repeats));
      console.error(`${arch} batch ${b}: onnx ${ours[`${arch}/onnx/${b}`].toFixed(0)}, wasm ${ours[`${arch}/wasm/${b}`].toFixed(0)} patches/s`);
    }
    onnx.dispose();
    wasm.dispose();
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
    ours[`${arch}/wasm-train/${TRAIN_BATCH}`] = TRAIN_BATCH / (await bestOf(step, repeats));
    console.error(`${arch} wasm training batch ${TRAIN_BATCH}: ${ours[`${arch}/wasm-train/${TRAIN_BATCH}`].toFixed(1)} patches/s`);
    net.dispose();
  }
  const torchAfter = runTorch();
  // best of the runs before and after ours, so load from other processes does not favour one side
  const torch = Object.fromEntries(Object.keys(torchAfter).map((k) => [k, Math.max(torchAfter[k], torchBefore[k])]));
  console.log(`threads=${threads}, repeats=${repeats} (best), patches/s; ratio = ours / PyTorch CPU`);
  console.log(['arch', 'path', 'batch', 'ours', 'pytorch', 'ratio', 'goal'].join('\t'));
  for (const arch of ARCHS) {
    for (const b of BATCHES) {
      for (const path of ['onnx', 'wasm']) {
        const o = ours[`${arch}/${path}/${b}`];
        const t = torch[`${arch}/eval/${b}`];
        console.log([arch, path, b, o.toFixed(0), t.toFixed(0), (o / t).toFixed(2), path === 'onnx' ? '>= 2' : ''].join('\t'));
      }
    }
    const o = ours[`${arch}/wasm-train/${TRAIN_BATCH}`];
    const t = torch[`${arch}/train/${TRAIN_BATCH}`];
    console.log([arch, 'wasm-train', TRAIN_BATCH, o.toFixed(0), t.toFixed(0), (o / t).toFixed(2), '>= 0.15'].join('\t'));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
