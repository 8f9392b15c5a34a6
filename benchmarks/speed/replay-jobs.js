#!/usr/bin/env node
/*
 * Wall time of the main job with cells in two pool processes against one process, on this machine.
 *
 *   npx -y pnpm@9 run build
 *   node benchmarks/speed/replay-jobs.js [jobs=2] [extra bench ubc args...]
 *
 * Runs `bench ubc --all-soa --profile tiny --data synthetic` twice in fresh processes, each with its
 * own results folder and the same generated data: `--jobs 1` (inline), then `--jobs N`. Prints both
 * wall times, the ratio (goal on 2 cores: <= 0.6), the load average before and after (other work on
 * the machine skews both runs), and whether the two results CSVs are byte for byte equal.
 * Extra arguments go to both runs (e.g. `--rows sosnet+ sosnet+soa3 --seeds 1` for a shorter run).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { availableParallelism, loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');

const jobs = Number(process.argv[2] ?? 2);
const extra = process.argv.slice(3);
const bin = join(__dirname, '../../packages/cli/dist/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'descbench-replay-jobs-'));
const base = ['ubc', ...(extra.includes('--rows') ? [] : ['--all-soa']), '--profile', 'tiny', '--data', 'synthetic', '--data-dir', join(dir, 'data'), ...extra];

function run(j) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...base, '--jobs', String(j), '--results-dir', join(dir, `jobs${j}`)], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CI: 'true' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`bench ubc --jobs ${j} failed (${r.status}): ${r.stderr.split('\n').slice(-5).join(' | ')}`);
  const csv = readFileSync(/^results: (.*)$/m.exec(r.stdout)[1], 'utf8');
  return { seconds, csv, table: r.stdout.split('\n').filter((l) => !/^(results|record|report):/.test(l)).join('\n') };
}

const fmt = (l) => l.map((x) => x.toFixed(2)).join(' ');
const before = loadavg();
// the generated subsets are made once, before either timed run, by a one-cell replay
const patches = extra.includes('--patches') ? ['--patches', extra[extra.indexOf('--patches') + 1]] : [];
const warm = ['ubc', '--rows', 'sosnet+', '--seeds', '1', '--train', 'liberty', '--profile', 'tiny', '--data', 'synthetic', '--data-dir', join(dir, 'data'), ...patches, '--jobs', '1', '--results-dir', join(dir, 'warm')];
if (spawnSync(process.execPath, [bin, ...warm], { stdio: 'ignore' }).status !== 0) throw new Error(`warm-up failed: bench ${warm.join(' ')}`);
const one = run(1);
process.stderr.write(`--jobs 1: ${one.seconds.toFixed(1)} s (load average now ${fmt(loadavg())})\n`);
const many = run(jobs);
const after = loadavg();
process.stdout.write(
  `bench ${base.join(' ')}\n` +
    `cores: ${availableParallelism()}; load average (1, 5, 15 min) before: ${fmt(before)}, after: ${fmt(after)}\n` +
    `--jobs 1: ${one.seconds.toFixed(1)} s\n--jobs ${jobs}: ${many.seconds.toFixed(1)} s\n` +
    `ratio: ${(many.seconds / one.seconds).toFixed(2)}x (goal <= 0.6x on 2 cores)\n` +
    `same results CSV: ${one.csv === many.csv}; same printed table: ${one.table === many.table}\n`,
);
rmSync(dir, { recursive: true, force: true });
