#!/usr/bin/env node
/*
 * Speed and memory of the UBC PhotoTour loader (@descbench/datasets) on a full-size generated
 * subset, against numpy on this machine.
 *
 *   npx turbo run build --filter=@descbench/datasets
 *   node benchmarks/speed/datasets-ubc.js [patches=450092] [cacheDir]
 *
 * 1. Generates (once; reused when cacheDir is given and holds it) a UBC subset in the official
 *    layout: 1,759 BMP tiles, info.txt, m50 pairs (generation time is reported, not compared).
 * 2. In a fresh node process: decode every tile, cut 64x64 patches and downsample to 32x32 into
 *    one Uint8Array (box2x2, then pil-antialias in another process), read info.txt and the pairs.
 *    Reports patches decoded per second and the peak RSS of that process.
 * 3. The same work in numpy (benchmarks/speed/datasets-ubc.py: np.frombuffer per tile, reshape to
 *    patches, integer 2x2 mean with round-half-up), same measures; prints the ratios.
 * Goal (task brief): the whole 450k-patch subset in < 60 s and < 1 GB.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const patches = Number(process.argv[2] ?? 450092);
const cacheDir = process.argv[3];

function child(mode, dir) {
  const code = `
    const d = require(${JSON.stringify(join(__dirname, '../../packages/datasets/dist/index.js'))});
    const { join } = require('node:path');
    const t0 = process.hrtime.bigint();
    const set = d.loadUbcPatches(${JSON.stringify(dir)}, { size: 32, resize: ${JSON.stringify(mode)}, count: ${patches}, progress: false });
    const ids = d.readUbcInfo(join(${JSON.stringify(dir)}, 'info.txt'));
    const pairs = d.readUbcPairs(d.findPairsFile(${JSON.stringify(dir)}), { numPatches: set.count });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    let sum = 0; for (let i = 0; i < set.data.length; i += 4099) sum += set.data[i];
    process.stdout.write(JSON.stringify({ seconds: s, count: set.count, ids: ids.length, pairs: pairs.label.length, bytes: set.data.length, peakRssMB: process.resourceUsage().maxRSS / 1024, probe: sum }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

function main() {
  const { generateSyntheticUbc } = require('../../packages/datasets/dist/index.js');
  const base = cacheDir ?? mkdtempSync(join(tmpdir(), 'descbench-speed-ubc-'));
  const dir = join(base, `ubc-gen-${patches}`);
  try {
    if (!existsSync(join(dir, 'info.txt'))) {
      const t = Date.now();
      generateSyntheticUbc(dir, { patches, pairs: 100000, seed: 1, progress: false });
      process.stderr.write(`generated ${patches} patches in ${((Date.now() - t) / 1000).toFixed(1)} s at ${dir}\n`);
    }
    const box = child('box2x2', dir);
    const pil = child('pil-antialias', dir);
    let np;
    for (const py of ['/usr/bin/python3', 'python3']) {
      try {
        np = JSON.parse(execFileSync(py, [join(__dirname, 'datasets-ubc.py'), dir, String(patches)], { encoding: 'utf8' }));
        break;
      } catch (e) {
        np = { error: String(e.message).split('\n')[0] };
      }
    }
    const line = (name, r) => `${name.padEnd(28)} ${r.seconds.toFixed(2).padStart(7)} s  ${(r.count / r.seconds).toFixed(0).padStart(9)} patches/s  peak RSS ${r.peakRssMB.toFixed(0).padStart(5)} MB`;
    process.stdout.write(`UBC subset of ${patches} patches (${Math.ceil(patches / 256)} tiles) -> [N, 32, 32] uint8 (${(box.bytes / 2 ** 20).toFixed(0)} MiB)\n`);
    process.stdout.write(`${line('descbench box2x2', box)}\n${line('descbench pil-antialias', pil)}\n`);
    if (np.seconds !== undefined) {
      process.stdout.write(`${line('numpy box (reference)', np)}\n`);
      process.stdout.write(`ratio time ours/numpy (box2x2): ${(box.seconds / np.seconds).toFixed(2)}; peak RSS ours/numpy: ${(box.peakRssMB / np.peakRssMB).toFixed(2)}\n`);
      if (np.probe !== box.probe) throw new Error(`numpy and descbench decoded different pixels (probe ${np.probe} vs ${box.probe})`);
    } else process.stdout.write(`numpy reference unavailable: ${np.error}\n`);
    const ok = box.seconds < 60 && box.peakRssMB < 1024;
    process.stdout.write(`goal (< 60 s, < 1 GB): ${ok ? 'met' : 'NOT met'}\n`);
  } finally {
    if (cacheDir === undefined) rmSync(base, { recursive: true, force: true });
  }
}

main();
