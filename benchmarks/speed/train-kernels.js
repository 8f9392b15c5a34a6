#!/usr/bin/env node
/*
 * Where a tfjs wasm training step's CPU time goes, kernel by kernel, beside PyTorch's (one thread each).
 *
 *   npx turbo run build --filter=@descbench/models
 *   node benchmarks/speed/train-kernels.js [arch=l2net] [batch=256] [steps=2] [top=25]
 *
 * Ours: the step of benchmarks/speed/models.js (training-mode forward, surrogate loss, backward,
 * SGD momentum, BatchNorm running statistics) on the wasm backend with every wasm kernel wrapped
 * to add its process CPU time (a kernel that calls others, e.g. a custom gradient, is counted
 * with them; inner calls are not listed). Prints the `top` kernels by CPU ms per step with their
 * input shapes, then groups (conv forward, filter and input gradients, batch norm, other) beside
 * PyTorch's same step profiled by train_kernels_torch.py (its conv backward computes both
 * gradients in one op; its groups are shares of the profiled wall time scaled to the step's CPU
 * time). CPU time, so a loaded machine moves both sides alike; the load average is printed.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { loadavg } = require('node:os');
const { join } = require('node:path');
const tf = require(require.resolve('@tensorflow/tfjs-core', { paths: [join(__dirname, '../../packages/models')] }));
const models = require('../../packages/models/dist/index.js');

const arch = process.argv[2] ?? 'l2net';
const batch = Number(process.argv[3] ?? 256);
const steps = Number(process.argv[4] ?? 2);
const top = Number(process.argv[5] ?? 25);

function patches(n) {
  const x = new Float32Array(n * 1024);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}

function group(kernel) {
  if (kernel === 'Conv2D') return 'conv forward';
  if (kernel === 'Conv2DBackpropFilter' || kernel === 'Conv2DBackpropInput') return 'conv backward (input + filter)';
  if (kernel.startsWith('DescbenchBatchNorm')) return 'batch norm';
  return 'other';
}

async function main() {
  await models.useTfjsBackend('wasm');
  const cost = new Map();
  let depth = 0;
  let on = false;
  for (const k of tf.getKernelsForBackend('wasm')) {
    const f = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const c = process.cpuUsage();
        depth++;
        try {
          return f(args);
        } finally {
          depth--;
          if (on && depth === 0) {
            const d = process.cpuUsage(c);
            const shapes = Object.values(args.inputs ?? {}).map((x) => (x?.shape ? x.shape.join('x') : '')).join(', ');
            const key = `${k.kernelName}\t${shapes}`;
            cost.set(key, (cost.get(key) ?? 0) + (d.user + d.system) / 1e3);
          }
        }
      },
    });
  }
  const net = await models.createTfjsNet(arch, { seed: 1 });
  const opt = tf.train.momentum(0.01, 0.9);
  const x = patches(batch);
  const step = async () => {
    const stats = [];
    const loss = opt.minimize(() => {
      const d = net.forward(models.patchesToTensor(x, batch, 32), { training: true, dropoutSeed: 1 }, stats);
      const [a, p] = tf.split(d, 2, 0);
      return tf.mean(tf.sum(tf.mul(a, p), 1));
    }, true, net.trainableVariables());
    await loss.data();
    loss.dispose();
    net.applyBatchStats(stats);
  };
  const load0 = loadavg()[0];
  await step();
  on = true;
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) await step();
  const dc = process.cpuUsage(c0);
  on = false;
  const stepMs = (dc.user + dc.system) / 1e3 / steps;
  const torch = JSON.parse(execFileSync('/usr/bin/python3', [join(__dirname, 'train_kernels_torch.py'), arch, String(batch), String(steps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const rows = [...cost].map(([k, ms]) => [k, ms / steps]).sort((a, b) => b[1] - a[1]);
  console.log(`${arch}, batch ${batch}, ${steps} step(s) after a warm-up, 1 thread; CPU ms per step; load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after; wasm training kernels: ${models.trainKernelsBuild()}`);
  console.log('tfjs wasm kernel\tinputs\tms');
  for (const [k, ms] of rows.slice(0, top)) console.log(`${k}\t${ms.toFixed(1)}`);
  const groups = new Map();
  for (const [k, ms] of rows) groups.set(group(k.split('\t')[0]), (groups.get(group(k.split('\t')[0])) ?? 0) + ms);
  console.log('\ngroup\tours ms\tpytorch ms\ttime ours / pytorch');
  const row = (g, o, t) => console.log(`${g}\t${o.toFixed(0)}\t${t.toFixed(0)}\t${t > 0 ? (o / t).toFixed(2) : '-'}`);
  for (const g of ['conv forward', 'conv backward (input + filter)', 'batch norm', 'other']) row(g, groups.get(g) ?? 0, torch[g] ?? 0);
  row('whole step (process CPU)', stepMs, torch.total);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
