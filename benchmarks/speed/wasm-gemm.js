#!/usr/bin/env node
/*
 * GEMM throughput of the two builds of the wasm training kernels in one run: train-kernels.wasm
 * (SIMD128, a multiply and an add per product) and train-kernels-fma.wasm (relaxed SIMD, fused
 * multiply-adds), each called directly on its own memory as a 1x1 convolution (conv_forward with
 * im2col skipped, i.e. C [M, N] = A [M, K] . B [K, N]).
 *
 *   node benchmarks/speed/wasm-gemm.js [rounds=5]
 *
 * Prints GFLOP/s per build and shape (best of `rounds` interleaved rounds, process CPU time) and
 * the fma / simd128 ratio. Needs a Node with relaxed SIMD (20: turned on here by flag; 22+: default).
 */
'use strict';
const { setFlagsFromString } = require('node:v8');
const { readFileSync } = require('node:fs');
const { loadavg } = require('node:os');
const { join } = require('node:path');

setFlagsFromString('--experimental-wasm-relaxed-simd');
const rounds = Number(process.argv[2] ?? 5);
const dir = join(__dirname, '../../packages/models/wasm');
const shapes = [
  [16384, 288, 64], // L2-Net's 32x32 layer at batch 16: 3x3x32 -> 64
  [16384, 288, 32],
  [4096, 1152, 128], // an 8x8 layer: 3x3x128 -> 128
];

function load(file) {
  const memory = new WebAssembly.Memory({ initial: 2000 }); // 128 MiB
  const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(dir, file))), { env: { memory } }).exports;
  k.__stack_pointer.value = 1 << 20;
  const f = new Float32Array(memory.buffer);
  let s = 1;
  for (let i = (1 << 21) / 4; i < (1 << 21) / 4 + 6e6; i++) f[i] = ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  return k;
}

const builds = { simd128: load('train-kernels.wasm'), fma: load('train-kernels-fma.wasm') };
const best = Object.fromEntries(Object.keys(builds).map((b) => [b, shapes.map(() => 0)]));
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++)
  for (const [name, k] of Object.entries(builds))
    shapes.forEach(([M, K, N], j) => {
      const x = 1 << 21, w = x + M * K * 4, y = w + K * N * 4;
      const t0 = process.cpuUsage();
      for (let i = 0; i < 5; i++) k.conv_forward(x, w, y, 0, 1, M, 1, K, M, 1, N, 1, 1, 1, 1, 0, 0, 256);
      const u = process.cpuUsage(t0);
      best[name][j] = Math.max(best[name][j], (2 * M * K * N * 5) / ((u.user + u.system) / 1e6) / 1e9);
    });
console.log(`wasm GEMM (1x1 conv_forward), best of ${rounds} rounds, GFLOP/s per CPU second; load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`);
console.log(['M x K x N', 'simd128', 'fma', 'fma / simd128'].join('\t'));
shapes.forEach((s, j) => console.log([s.join(' x '), best.simd128[j].toFixed(1), best.fma[j].toFixed(1), (best.fma[j] / best.simd128[j]).toFixed(2)].join('\t')));
