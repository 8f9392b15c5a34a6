import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import { computeCell } from './__fixtures__/test-kind';
import { TEST_KIND, testCells } from './__fixtures__/test-cells';
import { ProcessPoolExecutor } from './executor-pool';
import { threadBudget } from './pool-protocol';
import type { CellValue, KeyedCell } from './types';

/** The process pool on a test-only kind (children run the TS fixture through tsx). */
describe('ProcessPoolExecutor', () => {
  const workRoot = mkdtempSync(join(tmpdir(), 'descbench-pool-'));
  afterAll(() => rmSync(workRoot, { recursive: true, force: true }));
  const pool = (size: number, extra: Partial<ConstructorParameters<typeof ProcessPoolExecutor>[0]> = {}) =>
    new ProcessPoolExecutor({ size, computeModule: TEST_KIND, backend: 'cpu', workRoot, ...extra });
  const collect = async (ex: ProcessPoolExecutor, cells: KeyedCell[]) => {
    const got = new Map<string, CellValue>();
    try {
      await ex.run(cells, (c, v) => got.set(c.key, v));
    } finally {
      await ex.close();
    }
    return got;
  };

  test('every cell once, in two processes with one thread each, values exactly those of an inline run', async () => {
    const cells = testCells(6, { ms: 200 });
    const started: string[] = [];
    const got = await collect(pool(2, { onStart: (_c, w) => started.push(w) }), cells);
    expect(got.size).toBe(6);
    const pids = new Set<unknown>();
    for (const c of cells) {
      const v = got.get(c.key) as CellValue;
      const inline = await computeCell(c.spec, { backend: 'cpu', workDir: workRoot, worker: 'inline' });
      expect(v.values).toEqual(inline.values);
      for (const col of c.spec.columns) expect(Object.is(v.values[col], inline.values[col])).toBe(true);
      // one thread while cells wait; the last cells may get the core the other process left
      expect(v.extra).toMatchObject({ threads: expect.stringMatching(/^[12]$/), workDir: true, backend: 'cpu' });
      expect(v.extra?.worker).toBe(`pid:${v.extra?.pid}`);
      pids.add(v.extra?.pid);
    }
    expect(pids.size).toBe(2);
    expect(new Set(started).size).toBe(2);
    expect(started).toHaveLength(6);
    expect(readdirSync(workRoot)).toEqual([]); // scratch folders removed (the crash test's marker comes later)
  });

  test('a cell whose process dies is run again in a fresh process', async () => {
    const marker = join(workRoot, 'crashed-once');
    const cells = testCells(3, { crashOnce: marker });
    const got = await collect(pool(2), cells);
    expect(existsSync(marker)).toBe(true);
    expect(got.size).toBe(3);
  });

  test('an InputError in a cell stays an InputError (exit 2); cells not yet started are dropped', async () => {
    const cells = [...testCells(1, { fail: 'input' }), ...testCells(5, { ms: 50 }, 'other/table')];
    const done: string[] = [];
    const ex = pool(1);
    const err = await ex.run(cells, (c) => done.push(c.key)).then(
      () => null,
      (e: unknown) => e,
    );
    await ex.close();
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toBe('test-kind: cell r0: bad settings');
    expect(done).toEqual([]);
  });

  test('a bug in a cell names the cell', async () => {
    await expect(collect(pool(2), testCells(1, { fail: 'bug' }))).rejects.toThrow('cell r0 u seed 1: cell r0: a bug');
  });

  test('compute threads: one per process while cells wait, the idle cores shared at the end of a table', async () => {
    expect([threadBudget(3, 2, 2), threadBudget(0, 2, 2), threadBudget(0, 1, 2), threadBudget(0, 1, 8), threadBudget(0, 3, 8), threadBudget(0, 4, 2)]).toEqual([1, 1, 2, 8, 2, 1]);
    // a lone cell in a pool of two on two cores takes both; of three cells, the two that start while the third waits start on one
    const [lone] = [...(await collect(pool(2, { cores: 2 }), testCells(1, { ms: 50 }))).values()];
    expect(lone?.extra?.threads).toBe('2');
    const cells = testCells(3, { ms: 50 });
    const three = await collect(pool(2, { cores: 2 }), cells);
    expect(cells.slice(0, 2).map((c) => three.get(c.key)?.extra?.threadsAtStart)).toEqual(['1', '1']);
  });

  test('--jobs must be a positive integer', () => {
    expect(() => pool(0)).toThrow('--jobs: --jobs must be a positive integer, got 0');
  });
});
