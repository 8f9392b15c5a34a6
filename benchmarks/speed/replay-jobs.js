#!/usr/bin/env node
/*
 * Wall time of the main job with cells in two pool processes against one process, on this machine.
 *
 *   npx -y pnpm@9 run build
 *   node benchmarks/speed/replay-jobs.js [jobs=2] [extra bench ubc args...]
 *
 * Runs `bench ubc --all-soa --profile tiny --data synthetic` twice in fresh processes, each with its
 * own results folder and the same generated data: `--jobs 1` (inline, one compute thread: a replay
 * with `--jobs N` uses at most N cores), then `--jobs N`. Prints both wall times, the ratio (goal on
 * 2 cores: <= 0.6), the load average before and after (other work on the machine skews both runs),
 * and whether the two results CSVs are byte for byte equal.
 * Extra arguments go to both runs (e.g. `--rows sosnet+ sosnet+soa3 --seeds 1` for a shorter run).
 *
 * Then where the time went, per run: CPU seconds of the run and all its processes (Linux: the
 * children's times in /proc/self/stat) against its wall time (how many cores it kept busy on
 * average); the cells' own time from the results record (per cell: training, evaluation build,
 * evaluation, total, CPU); the time outside cells per process (start-up, the coordinator, the
 * table's tail); the ratio `--jobs N` could reach on N cores from `--jobs 1`'s CPU alone.
 *
 * With REPLAY_JOBS_ALL_CORES=1, a third run: one process whose evaluation uses every core
 * (`--jobs 1` with DESCBENCH_THREADS = the machine's cores; training stays on one thread), and
 * `--jobs N`'s ratio against it, with the best ratio the evaluation's share of the work allows
 * against such a run.
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

/** CPU seconds of this process's waited-for children and their descendants (Linux), else null. */
function childrenCpu() {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // fields 16 and 17 (cutime, cstime) in clock ticks, counted from field 3 (state) here
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return null;
  }
}

/** The cells' own seconds from a run's record (ubc cells record them in extra.seconds). */
function cellSeconds(recordPath) {
  const cells = JSON.parse(readFileSync(recordPath, 'utf8')).cells;
  const sum = (k) => cells.reduce((a, c) => a + (c.extra?.seconds?.[k] ?? 0), 0);
  const workers = new Map();
  for (const c of cells) workers.set(c.worker, [...(workers.get(c.worker) ?? []), c.extra?.seconds?.total ?? 0]);
  return { n: cells.length, total: sum('total'), cpu: sum('cpu'), train: sum('train'), evalBuild: sum('eval_build'), eval: sum('eval'), workers };
}

function run(j, env = {}) {
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const out = join(dir, `jobs${j}${env.DESCBENCH_THREADS ? `-threads${env.DESCBENCH_THREADS}` : ''}`);
  const r = spawnSync(process.execPath, [bin, ...base, '--jobs', String(j), '--results-dir', out], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CI: 'true', ...env } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childrenCpu();
  if (r.status !== 0) throw new Error(`bench ubc --jobs ${j} failed (${r.status}): ${r.stderr.split('\n').slice(-5).join(' | ')}`);
  const csv = readFileSync(/^results: (.*)$/m.exec(r.stdout)[1], 'utf8');
  const cells = cellSeconds(/^record: (.*)$/m.exec(r.stdout)[1]);
  return { jobs: j, seconds, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, cells, csv, table: r.stdout.split('\n').filter((l) => !/^(results|record|report):/.test(l)).join('\n') };
}

/**
 * In `--jobs N` every cell runs on one thread, so its evaluation's share of the cells' time is its
 * share of the work; `--jobs 1` runs that part on every core. With evaluation a share e of the
 * work and perfect scaling on C cores, `--jobs 1` takes (1 - e + e / C) of the work's time and
 * `--jobs N` on N = C cores 1 / N of it: the best ratio is (1 / N) / (1 - e + e / N).
 */
function evaluationShare(x, n) {
  const e = x.cells.eval / x.cells.total;
  return `evaluation (onnxruntime; the all-cores run spreads it over every core) is ${(100 * e).toFixed(0)}% of the cells' time in --jobs ${n}: with nothing else lost, ratio ${(1 / n / (1 - e + e / n)).toFixed(2)}x at best\n`;
}

/** Where a run's time went (see the header). */
function breakdown(x) {
  const c = x.cells;
  const per = (v) => `${v.toFixed(1)} s (${(v / c.n).toFixed(2)} s/cell)`;
  const cpu = x.cpu === null ? 'CPU not measured (no /proc)' : `CPU ${x.cpu.toFixed(1)} s, ${(x.cpu / x.seconds).toFixed(2)} cores busy on average`;
  const procs = [...c.workers.entries()].map(([w, ts]) => `${w}: ${ts.length} cells, ${ts.reduce((a, b) => a + b, 0).toFixed(1)} s in cells, ${(x.seconds - ts.reduce((a, b) => a + b, 0)).toFixed(1)} s outside`);
  return (
    `--jobs ${x.jobs}: wall ${x.seconds.toFixed(1)} s; ${cpu}\n` +
    `  ${c.n} cells: ${per(c.total)} in cells (training ${per(c.train)}, evaluation build ${per(c.evalBuild)}, evaluation ${per(c.eval)}); cells' CPU ${per(c.cpu)}, ${(c.cpu / c.total).toFixed(2)} cores per cell\n` +
    `  per process (start-up, coordinator and tail are outside cells): ${procs.join('; ')}\n`
  );
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
const allCores = process.env.REPLAY_JOBS_ALL_CORES === '1' ? run(1, { DESCBENCH_THREADS: String(availableParallelism()) }) : null;
const after = loadavg();
process.stdout.write(
  `bench ${base.join(' ')}\n` +
    `cores: ${availableParallelism()}; load average (1, 5, 15 min) before: ${fmt(before)}, after: ${fmt(after)}\n` +
    `--jobs 1: ${one.seconds.toFixed(1)} s\n--jobs ${jobs}: ${many.seconds.toFixed(1)} s\n` +
    `ratio: ${(many.seconds / one.seconds).toFixed(2)}x (goal <= 0.6x on 2 cores)\n` +
    `same results CSV: ${one.csv === many.csv}; same printed table: ${one.table === many.table}\n` +
    breakdown(one) +
    breakdown(many) +
    (allCores === null
      ? ''
      : breakdown(allCores) +
        `one process evaluating on every core (--jobs 1, DESCBENCH_THREADS=${availableParallelism()}): ${allCores.seconds.toFixed(1)} s; --jobs ${jobs} against it: ${(many.seconds / allCores.seconds).toFixed(2)}x; same results CSV: ${allCores.csv === one.csv}\n` +
        evaluationShare(many, jobs)) +
    (one.cpu === null
      ? ''
      : `doing --jobs 1's CPU work on ${jobs} busy cores takes ${(one.cpu / jobs).toFixed(1)} s: ratio ${(one.cpu / jobs / one.seconds).toFixed(2)}x at best on an idle machine` +
        ` (--jobs 1 kept ${(one.cpu / one.seconds).toFixed(2)} cores busy by itself); --jobs ${jobs}'s own CPU / ${jobs}: ${many.cpu === null ? '?' : (many.cpu / jobs).toFixed(1)} s\n`),
);
rmSync(dir, { recursive: true, force: true });
