import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../tables/catalog';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';
import { demoKind } from './__fixtures__/demo-kind';
import { kindForTable, registerTableKind } from './kinds';
import { costliestFirst, runReplay } from './replay';
import { testCells } from './__fixtures__/test-cells';
import { DEMO_COMPUTE } from './__fixtures__/demo-compute';
import { redisGate, startRedis, type TestRedis } from './__fixtures__/redis-server';
import { startQueueWorker, type RunningWorker } from './queue-worker';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const benchmarks = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
const catalog = loadCatalog(benchmarks);
if (kindForTable('demo/table1') === undefined) registerTableKind(demoKind);

const tmp = (p: string): string => mkdtempSync(join(tmpdir(), `descbench-${p}-`));
const lines = (f: string): string[] => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l !== '') : []);
const journalOf = (results: string): string | undefined => {
  const dir = join(results, 'demo/table1');
  const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('.journal-')) : undefined;
  return f === undefined ? undefined : join(dir, f);
};

/**
 * The replay child (./__fixtures__/replay-child.ts): node itself with tsx's loader, so that SIGKILL
 * hits the process that computes (the tsx wrapper would leave its node child running), with
 * @descbench/* mapped to the sources.
 */
function startChild(results: string, log: string, delayMs: number, where = 'inline'): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', require.resolve('tsx', { paths: [repoRoot] }), join(__dirname, '__fixtures__', 'replay-child.ts'), benchmarks, results, log, where], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DESCBENCH_DEMO_DELAY_MS: String(delayMs), TSX_TSCONFIG_PATH: join(__dirname, '__fixtures__', 'tsconfig.json') },
  });
}

const exited = (p: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> =>
  new Promise((resolve) => {
    let out = '';
    let err = '';
    p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });

describe('runReplay', () => {
  test('cells -> journal -> mean ± std with the derived mean column -> CSV, record with keys, per-cell data kind and worker', async () => {
    const results = tmp('replay');
    const log = join(tmp('log'), 'computed.log');
    const r = await runReplay(catalog, { table: 'demo/table1', profile: 'tiny', resultsDir: results, kind: { log } });
    expect(lines(log)).toHaveLength(6);
    expect(r.data).toBe('synthetic');
    expect(r.aggregated.map((a) => `${a.row}:${a.column}`)).toEqual(['x:a_fpr95_pct', 'x:b_fpr95_pct', 'x:mean_fpr95_pct', 'y:a_fpr95_pct', 'y:b_fpr95_pct', 'y:mean_fpr95_pct']);
    const xa = r.aggregated[0]!;
    expect(xa.values).toEqual([1.1, 1.2, 1.3]);
    expect(xa.mean).toBeCloseTo(1.2, 12);
    expect(xa.std).toBeCloseTo(0.1, 12);
    expect(r.aggregated[2]!.mean).toBeCloseTo((1.2 + (2 - 0.02)) / 2, 12);
    expect(r.comparison?.cells.length).toBeGreaterThan(0);
    const record = JSON.parse(readFileSync(r.files.json, 'utf8'));
    expect(record.cells).toHaveLength(6);
    expect(record.cells[0]).toMatchObject({ key: r.cells[0]!.key, row: 'x', seed: 1, data: 'synthetic', worker: 'inline', values: { a_fpr95_pct: 1.1 } });
    expect(record.plots).toEqual([expect.objectContaining({ id: 'demo-a', vegaLite: expect.objectContaining({ data: { values: expect.arrayContaining([{ row: 'x', seed: 2, v: 1.2 }]) } }) })]);
    expect(record.project_version).toMatch(/^0\.1\.0\+[0-9a-f]{16}$/);
    // nothing half-done is left behind
    expect(readdirSync(join(results, 'demo/table1')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('a changed setting gives new keys: nothing is taken from a journal of other settings', async () => {
    const results = tmp('replay-stale');
    const log = join(tmp('log'), 'computed.log');
    let calls = 0;
    const stop = { name: 'stop-after-2', run: async (cells: { key: string; spec: import('./types').CellSpec }[], onDone: (c: never, v: import('./types').CellValue) => void) => {
      for (const c of cells) {
        if (calls++ === 2) throw new Error('killed');
        onDone(c as never, await demoKind.compute(c.spec, { backend: 'cpu', workDir: '', worker: 'test' }));
      }
    } };
    await expect(runReplay(catalog, { table: 'demo/table1', profile: 'tiny', resultsDir: results, kind: { log, knob: 1 } }, stop)).rejects.toThrow('killed');
    expect(lines(journalOf(results)!)).toHaveLength(2);
    await runReplay(catalog, { table: 'demo/table1', profile: 'tiny', resultsDir: results, kind: { log, knob: 2 } });
    expect(lines(log)).toHaveLength(2 + 6); // all six recomputed under the new setting
  });

  test('refuses real and generated data under one label before computing anything', async () => {
    const mixed = { ...demoKind, id: 'demo-mixed', tables: ['demo/mixed'], cells: async (t: Parameters<typeof demoKind.cells>[0], o: Parameters<typeof demoKind.cells>[1]) => (await demoKind.cells(t, o)).map((c, i) => ({ ...c, table: t.id, kind: 'demo-mixed', settings: { ...c.settings, data: { kind: i === 0 ? 'real' : 'synthetic' } } })) };
    const root = writeBenchmarks([{ id: 'demo/mixed', spec: demoSpec, csv: demoCsv }]);
    registerTableKind(mixed);
    const log = join(tmp('log'), 'computed.log');
    await expect(runReplay(loadCatalog(root), { table: 'demo/mixed', profile: 'tiny', resultsDir: tmp('mixed'), kind: { log } })).rejects.toThrow(
      /demo\/mixed: real and generated data would be mixed under one label \(real: x\/all; generated: x\/all, y\/all\)/,
    );
    expect(lines(log)).toHaveLength(0);
  });

  test('a replay killed with SIGKILL resumes with only the missing cells and gives the same table', async () => {
    const { journalled, after } = await killAndResume('inline');
    expect(after.sort()).toEqual(ALL_CELLS.filter((c) => !journalled.includes(c)));
  }, 60000);

  test('--jobs: a coordinator killed with SIGKILL takes its pool processes with it, and resumes from its journal', async () => {
    const { journalled, after, workers } = await killAndResume('pool');
    expect(after.sort()).toEqual(ALL_CELLS.filter((c) => !journalled.includes(c)));
    expect(workers.every((w) => /^pid:\d+$/.test(w))).toBe(true);
  }, 90000);

  test('cells side by side start costliest first, equal costs in the kind\'s order; no cost, no change', () => {
    const cells = testCells(5);
    const cost = (c: { row: string }): number => ({ r0: 1, r1: 3, r2: 1, r3: 2, r4: 3 })[c.row] as number;
    expect(costliestFirst(cells, { cost }).map((c) => c.spec.row)).toEqual(['r1', 'r4', 'r3', 'r0', 'r2']);
    expect(costliestFirst(cells, {})).toBe(cells);
  });
});

const ALL_CELLS = ['x/1', 'x/2', 'x/3', 'y/1', 'y/2', 'y/3'];

redisGate('a --queue coordinator killed and restarted').describe('runReplay --queue on a real Redis', () => {
  let redis: TestRedis;
  const workers: RunningWorker[] = [];
  const delay = process.env.DESCBENCH_DEMO_DELAY_MS;
  beforeAll(async () => {
    // the workers' pool processes (started on their first cell) inherit it
    process.env.DESCBENCH_DEMO_DELAY_MS = '300';
    redis = await startRedis();
    for (let i = 0; i < 2; i++) workers.push(await startQueueWorker({ url: redis.url, backend: 'cpu', concurrency: 1, stalledMs: 1000, computeModule: DEMO_COMPUTE }));
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await redis?.stop();
    if (delay === undefined) delete process.env.DESCBENCH_DEMO_DELAY_MS;
    else process.env.DESCBENCH_DEMO_DELAY_MS = delay;
  });

  test('a coordinator killed with SIGKILL mid-table and restarted resumes from its journal, collects what the workers finished meanwhile, and assembles the same table', async () => {
    const { journalled, after, workers: by } = await killAndResume(redis.url);
    // the workers went on while no coordinator waited: every cell computed once, none again for the restarted one
    expect(after.every((c) => !journalled.includes(c))).toBe(true);
    expect(by.every((w) => workers.some((x) => x.name === w))).toBe(true);
  }, 90000);
});

/**
 * Replay demo/table1 in a child process on `where` (inline, pool, a redis:// URL), SIGKILL it
 * once two cells are journalled, start it again and check that the table equals a clean inline
 * run's. Returns the cells journalled before the kill, the cells computed after it (from the demo
 * log; for `pool`, counted once the killed coordinator's processes are gone) and who computed them.
 */
async function killAndResume(where: string): Promise<{ journalled: string[]; after: string[]; workers: string[] }> {
  const queue = where.startsWith('redis://');
  const results = tmp('replay-kill');
  const log = join(tmp('log'), 'computed.log');
  const child = startChild(results, log, 400, where);
  const done = exited(child);
  for (let i = 0; i < 1200 && lines(journalOf(results) ?? '/nonexistent').length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  const killed = await done;
  expect(killed.signal).toBe('SIGKILL');
  const entries = lines(journalOf(results)!).map((l) => JSON.parse(l) as { spec: { row: string; seed: number }; worker: string });
  const journalled = entries.map((e) => `${e.spec.row}/${e.spec.seed}`);
  expect(journalled.length).toBeGreaterThanOrEqual(2);
  expect(journalled.length).toBeLessThan(6);
  const workers = [...new Set(entries.map((e) => e.worker))];
  if (where === 'pool') {
    // the pool processes leave when their coordinator goes (IPC disconnect), mid-cell or not
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const pids = workers.map((w) => Number(w.slice('pid:'.length)));
    for (let i = 0; i < 200 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  }
  const before = lines(log).length;

  const again = await exited(startChild(results, log, 0, where));
  expect({ code: again.code, err: again.code === 0 ? '' : again.err }).toEqual({ code: 0, err: '' });
  const after = lines(log).slice(before);
  if (queue) expect(lines(log).sort()).toEqual(ALL_CELLS);
  const clean = await runReplay(catalog, { table: 'demo/table1', profile: 'tiny', resultsDir: tmp('replay-clean'), kind: { log: join(tmp('log'), 'c.log') } });
  expect(readFileSync(again.out.trim(), 'utf8')).toBe(readFileSync(clean.files.csv, 'utf8'));
  return { journalled, after, workers };
}
