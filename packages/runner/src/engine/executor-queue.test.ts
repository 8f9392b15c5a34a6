import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isInputError } from '@descbench/core';
import { computeCell } from './__fixtures__/test-kind';
import { TEST_KIND, testCells } from './__fixtures__/test-cells';
import { redisGate, startRedis, type TestRedis } from './__fixtures__/redis-server';
import { QueueExecutor } from './executor-queue';
import { startQueueWorker, type RunningWorker } from './queue-worker';
import { queueStatus } from './queue-status';
import { parseQueueUrl } from './queue-connection';
import { projectVersion } from './key';
import type { CellValue, KeyedCell } from './types';

const gate = redisGate('BullMQ queue executor and workers');

const collect = async (url: string, cells: KeyedCell[], starts: string[] = [], version = projectVersion()): Promise<Map<string, CellValue>> => {
  const got = new Map<string, CellValue>();
  const ex = new QueueExecutor({ url, version, backend: 'cpu', pollMs: 100, onStart: (_c, w) => starts.push(w) });
  await ex.run(cells, (c, v) => got.set(c.key, v));
  return got;
};

const inline = (c: KeyedCell) => computeCell(c.spec, { backend: 'cpu', workDir: '/nonexistent', worker: 'inline' });

test('--queue takes redis://HOST:PORT only', () => {
  expect(parseQueueUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  expect(() => parseQueueUrl('127.0.0.1:6379')).toThrow('--queue: expected redis://HOST:PORT, got "127.0.0.1:6379"');
});

gate.describe('QueueExecutor + queue workers on a real Redis', () => {
  let redis: TestRedis;
  const workers: RunningWorker[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) workers.push(await startQueueWorker({ url: redis.url, backend: 'cpu', concurrency: 1, stalledMs: 1000, computeModule: TEST_KIND }));
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await redis?.stop();
  });

  test('two workers compute every cell; values exactly those of an inline run; a restarted coordinator collects them at once', async () => {
    const cells = testCells(6, { ms: 150 });
    const starts: string[] = [];
    const got = await collect(redis.url, cells, starts);
    expect(got.size).toBe(6);
    for (const c of cells) {
      const v = got.get(c.key) as CellValue;
      for (const col of c.spec.columns) expect(Object.is(v.values[col], (await inline(c)).values[col])).toBe(true);
      expect(workers.map((w) => w.name)).toContain(v.extra?.worker);
    }
    expect(new Set([...got.values()].map((v) => v.extra?.pid)).size).toBe(2); // both workers' processes
    expect(starts.length).toBeGreaterThan(0);
    // a second coordinator (killed and restarted) finds the finished cells: same processes' values, nothing recomputed
    const again = await collect(redis.url, cells);
    for (const c of cells) expect(again.get(c.key)?.extra?.pid).toBe(got.get(c.key)?.extra?.pid);

    const status = await queueStatus(redis.url);
    expect(status.queues).toHaveLength(1);
    expect(status.queues[0]).toMatchObject({ name: 'cells-cpu', backend: 'cpu', tables: [{ table: 'test/table', waiting: 0, running: 0, done: 6, failed: 0 }] });
    expect(status.queues[0]?.workers).toHaveLength(2);
  });

  test('a bad-input cell fails once and comes back as an InputError (exit 2)', async () => {
    const err = await collect(redis.url, testCells(1, { fail: 'input' }, 'bad/table')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toBe('test-kind: cell r0: bad settings');
  });

  test('a worker killed (SIGKILL) mid-cell loses nothing: its cell is retried on the other worker', async () => {
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const victim: ChildProcess = spawn(process.execPath, ['--import', tsx, require.resolve('./__fixtures__/worker-main.ts'), redis.url, '1000'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const seen = (re: RegExp) =>
      new Promise<void>((resolve) => {
        const look = (): void => void (re.test(err) && resolve());
        victim.stderr?.on('data', (d: Buffer) => {
          err += d.toString();
          look();
        });
        look();
      });
    const started = seen(/started/);
    await seen(/serving/);
    const cells = testCells(6, { ms: 1500 }, 'kill/table');
    const done = collect(redis.url, cells);
    await started;
    victim.kill('SIGKILL');
    for (const f of readdirSync(tmpdir()).filter((x) => x.startsWith(`descbench-worker-${victim.pid}-`))) rmSync(join(tmpdir(), f), { recursive: true, force: true });
    const got = await done;
    expect(got.size).toBe(6);
    const want = await Promise.all(cells.map(inline));
    cells.forEach((c, i) => expect((got.get(c.key) as CellValue).values).toEqual(want[i]?.values));
    const by = new Set([...got.values()].map((v) => v.extra?.worker));
    expect(by.has(`worker:${hostname()}/${victim.pid}`)).toBe(false);
    expect([...by].every((w) => workers.some((x) => x.name === w))).toBe(true);
  });

  test('a worker refuses a cell keyed under other code, and says so', async () => {
    await expect(collect(redis.url, testCells(1, {}, 'old/table', '0.0.1+old'), [], '0.0.1+old')).rejects.toThrow(
      /^cell r0 u seed 1 failed on worker:.* after 1 attempt\(s\): the cell was queued by descbench 0.0.1\+old; this worker \(.*\) runs 0.1.0\+/,
    );
  });

  test('an unreachable Redis is one line', async () => {
    await expect(collect('redis://127.0.0.1:1', testCells(1))).rejects.toThrow(/^--queue: cannot reach Redis at redis:\/\/127.0.0.1:1: /);
  });
});
