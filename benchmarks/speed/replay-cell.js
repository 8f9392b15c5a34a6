#!/usr/bin/env node
/*
 * How much of a replay cell is its own work: a cell's wall time against the time of its own
 * training steps plus its evaluation at the measured kernel speeds (goal: <= 1.3x).
 *
 *   npx turbo run build
 *   node benchmarks/speed/replay-cell.js [profile=tiny] [cells=3] [row=sosnet] [threads=1]
 *
 * Replays SOLAR's supplementary Table 1 through the engine (runReplay, inline executor, tfjs wasm,
 * generated UBC data in a temporary folder): `row` trained on liberty with its paper's recipe,
 * seeds 1..`cells` (one cell each), each tested on notredame and yosemite. Then, in the same
 * process, the kernel speeds:
 *   - a training step: the median wall time of the cells' optimiser steps (batch assembly,
 *     forward, backward, update; the first steps of a process pay wasm's warm-up and count as
 *     overhead through the median);
 *   - evaluation: onnxruntime patches/s of the same network at batch 512 (as the cells describe),
 *     `threads` intra-op threads, median of 5 runs after a warm-up.
 * Per cell: wall = time from the previous cell's journal entry to its own; ideal = steps x
 * median step + described patches / evaluation speed; ratio = wall / ideal. The first cell of a
 * process also pays module loading and wasm/onnxruntime start-up ("cold"); the others are "warm".
 * The machine may be shared: the load average is printed; both sides of the ratio run under it.
 */
'use strict';
const { mkdtempSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const [profile = 'tiny', cellsArg = '3', row = 'sosnet', threadsArg = '1'] = process.argv.slice(2);
const nCells = Number(cellsArg);
const threads = Number(threadsArg);
process.env.DESCBENCH_THREADS = String(threads);

const t0 = performance.now();
const runner = require('../../packages/runner/dist/index.js');
const models = require('../../packages/models/dist/index.js');
const { setLogLevel } = require('../../packages/core/dist/index.js');
const requireSeconds = (performance.now() - t0) / 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function evalSpeed(model, batch) {
  const d = await models.createModel(model, { seed: 1, threads });
  const x = new Float32Array(batch * d.patchSize * d.patchSize);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  await d.describe(x, batch);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await d.describe(x, batch);
    times.push((performance.now() - t) / 1000);
  }
  d.dispose();
  return batch / median(times);
}

async function main() {
  setLogLevel('warn');
  const tmp = mkdtempSync(join(tmpdir(), 'descbench-replay-cell-'));
  const load0 = loadavg()[0];
  try {
    const catalog = runner.loadCatalog(runner.findBenchmarksDir(__dirname));
    const doneAt = [];
    let runStart = 0;
    const inline = new runner.InlineExecutor({ dataDir: join(tmp, 'data'), backend: 'wasm', workRoot: join(tmp, 'work') });
    const timed = {
      name: 'inline',
      run: (cells, onDone) => {
        runStart = performance.now();
        return inline.run(cells, (c, v) => {
          doneAt.push(performance.now());
          onDone(c, v);
        });
      },
    };
    const replayStart = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await runner.runReplay(
      catalog,
      { table: 'solar-supp/table1', profile, seeds: nCells, rows: [row], data: 'synthetic', dataDir: join(tmp, 'data'), backend: 'wasm', resultsDir: join(tmp, 'results'), kind: { trains: ['liberty'] } },
      timed,
    );
    const replaySeconds = (performance.now() - replayStart) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const walls = doneAt.map((t, i) => (t - (i === 0 ? runStart : doneAt[i - 1])) / 1000);
    const extras = r.values.map((v) => v.extra);
    const allSteps = [];
    for (const e of extras) allSteps.push(e.seconds.train_step_median);
    const stepSeconds = median(extras.map((e) => e.seconds.train_step_median));
    const evalRate = await evalSpeed(r.cells[0].spec.settings.model, 512);

    console.log(`replay-cell: solar-supp/table1 row ${row}, profile ${profile}, ${nCells} cell(s) (train liberty, test notredame + yosemite), tfjs wasm, onnxruntime ${threads} thread(s)`);
    console.log(`load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end (${require('node:os').cpus().length} cores); module loading ${requireSeconds.toFixed(2)} s`);
    console.log(`kernel speeds: training step ${stepSeconds.toFixed(3)} s (median over the cells' steps), evaluation ${evalRate.toFixed(0)} patches/s (onnxruntime, batch 512)`);
    console.log(['cell', 'wall s', 'steps', 'steps s', 'eval patches', 'eval s', 'ideal s', 'ratio', 'where the rest went'].join('\t'));
    const ratios = [];
    let idealSum = 0;
    extras.forEach((e, i) => {
      const ideal = e.steps * stepSeconds + e.eval_patches / evalRate;
      idealSum += ideal;
      ratios.push(walls[i] / ideal);
      const s = e.seconds;
      const rest = `data ${s.data.toFixed(2)}, train outside steps ${(s.train - s.train_steps).toFixed(2)}, steps over median ${(s.train_steps - e.steps * stepSeconds).toFixed(2)}, eval build ${s.eval_build.toFixed(2)}, eval ${s.eval.toFixed(2)}`;
      console.log([`${i + 1}${i === 0 ? ' (cold)' : ''}`, walls[i].toFixed(2), e.steps, s.train_steps.toFixed(2), e.eval_patches, (e.eval_patches / evalRate).toFixed(2), ideal.toFixed(2), ratios[i].toFixed(2), rest].join('\t'));
    });
    const warm = ratios.slice(1);
    console.log(`ratio wall / ideal: cold cell ${ratios[0].toFixed(2)}${warm.length > 0 ? `, warm cells median ${median(warm).toFixed(2)} (${Math.min(...warm).toFixed(2)}-${Math.max(...warm).toFixed(2)})` : ''}; goal <= 1.3`);
    console.log(`whole replay (listing cells, data generation, journal, record): ${replaySeconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, ${(replaySeconds / idealSum).toFixed(2)}x the cells' ideal`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
