/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { redisGate, startRedis, type TestRedis } from '../../../runner/src/engine/__fixtures__/redis-server';
import { bench } from '../__fixtures__/run-bench';

const gate = redisGate('bench worker / --queue end to end');
const BIN = resolve(__dirname, '..', '..', 'dist', 'bin.js');

/** A `bench worker` process (the built CLI), with its stderr kept and watched. */
function startWorker(url: string, dataDir: string): { proc: ChildProcess; err: () => string; seen: (re: RegExp) => Promise<void> } {
  const proc = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--backend', 'wasm', '--data-dir', dataDir, '--stalled-ms', '1500'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.filter((x) => x.re.test(err))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const seen = (re: RegExp): Promise<void> =>
    new Promise((r) => {
      if (re.test(err)) r();
      else waiters.push({ re, resolve: r });
    });
  return { proc, err: () => err, seen };
}

/** The table of a run's output, without the paths of its files. */
const table = (out: string): string => out.split('\n').filter((l) => !/^(results|record|report):/.test(l)).join('\n');
const csvOf = (out: string): string => readFileSync(/^results: (.*)$/m.exec(out)?.[1] as string, 'utf8');

test('--jobs with --queue, and a --queue that is not redis://, are one line and exit 2', async () => {
  expect((await bench('ubc', '--queue', 'localhost:6379', '--profile', 'tiny')).err).toMatch(/^bench: --queue: expected redis:\/\/HOST:PORT, got "localhost:6379"\n$/);
  expect((await bench('replay', 'solar-supp/table1', '--queue', 'redis://127.0.0.1:1', '--jobs', '2')).err).toMatch(/^bench: --jobs: --jobs runs cells on this machine; with --queue the workers run them/);
  expect((await bench('ubc', '--jobs', '0')).err).toMatch(/^bench: --jobs: --jobs must be a positive integer, got 0\n$/);
  expect((await bench('queue', 'status', '--queue', 'redis://127.0.0.1:1')).err).toMatch(/^bench: --queue: cannot reach Redis at redis:\/\/127.0.0.1:1: .*\n$/);
});

gate.describe('bench ubc --queue with two bench workers on a real Redis', () => {
  let redis: TestRedis;
  const workers: ReturnType<typeof startWorker>[] = [];
  afterAll(async () => {
    for (const w of workers) {
      if (w.proc.exitCode !== null || w.proc.signalCode !== null) continue;
      const exited = new Promise((r) => w.proc.once('exit', r));
      w.proc.kill('SIGTERM');
      await exited;
    }
    await redis?.stop();
  });

  test('a worker SIGKILLed mid-cell loses nothing; the assembled table equals a single-process run; bench queue status counts the cells', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-queue-e2e-'));
    const dataDir = join(dir, 'data');
    const args = ['ubc', '--rows', 'sosnet+', '--train', 'liberty', '--seeds', '2', '--profile', 'tiny', '--data', 'synthetic', '--patches', '256', '--backend', 'wasm', '--data-dir', dataDir];
    const local = await bench(...args, '--jobs', '1', '--results-dir', join(dir, 'local'));
    expect(local.code).toBe(0);

    redis = await startRedis();
    workers.push(startWorker(redis.url, dataDir), startWorker(redis.url, dataDir));
    await Promise.all(workers.map((w) => w.seen(/serving cells-wasm/)));
    const coordinator = bench(...args, '--queue', redis.url, '--results-dir', join(dir, 'queued'));
    // the first worker to start a cell dies in the middle of it
    const victim = await Promise.race(workers.map((w) => w.seen(/cell .* started/).then(() => w)));
    victim.proc.kill('SIGKILL');
    // what the killed worker left in the temporary folder
    for (const f of readdirSync(tmpdir()).filter((x) => x.startsWith(`descbench-worker-${victim.proc.pid}-`))) rmSync(join(tmpdir(), f), { recursive: true, force: true });
    const queued = await coordinator;
    expect(queued.code).toBe(0);
    expect(table(queued.out)).toBe(table(local.out));
    expect(csvOf(queued.out)).toBe(csvOf(local.out));
    const survivor = workers.find((w) => w !== victim) as ReturnType<typeof startWorker>;
    expect(survivor.err().match(/cell .* done in/g)).toHaveLength(2);

    const status = await bench('queue', 'status', '--queue', redis.url, '--json');
    expect(status.code).toBe(0);
    const s = JSON.parse(status.out);
    expect(s.queues).toMatchObject([{ name: 'cells-wasm', backend: 'wasm', tables: [{ table: 'solar-supp/table1', waiting: 0, running: 0, done: 2, failed: 0 }] }]);
    expect(s.queues[0].workers).toHaveLength(1);
  });
});
