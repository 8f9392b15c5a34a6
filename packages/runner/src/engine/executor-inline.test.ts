import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chooseExecutor } from './executor-choice';
import { kindForTable, registerTableKind } from './kinds';
import type { CellSpec, CellValue, KeyedCell, TableKind } from './types';

// a run-time kind (so its cells run inline) that records the compute threads each cell saw
const probe: TableKind = {
  id: 'threads-probe',
  tables: ['probe/threads'],
  cells: async () => [],
  compute: async (): Promise<CellValue> => ({ values: { threads: Number(process.env.DESCBENCH_THREADS ?? 0) }, data: 'synthetic' }),
};
if (kindForTable('probe/threads') === undefined) registerTableKind(probe);

const cell = (seed: number): KeyedCell => {
  const spec: CellSpec = { kind: 'threads-probe', table: 'probe/threads', row: 'r', columns: ['threads'], unit: 'all', seed, settings: {} };
  return { key: `k${seed}`, spec };
};

async function threadsSeen(jobs: number | undefined): Promise<number[]> {
  const ex = chooseExecutor({ table: 'probe/threads', profile: 'tiny', ...(jobs !== undefined ? { jobs } : {}) }, { kind: 'threads-probe', cells: 2, workRoot: mkdtempSync(join(tmpdir(), 'descbench-inline-')), version: 'v' });
  const seen: number[] = [];
  await ex.run([cell(1), cell(2)], (_c, v) => seen.push(v.values.threads!));
  await ex.close?.();
  return seen;
}

describe('inline executor: --jobs N is the number of cores a replay may use', () => {
  const saved = process.env.DESCBENCH_THREADS;
  beforeEach(() => delete process.env.DESCBENCH_THREADS);
  afterAll(() => (saved === undefined ? delete process.env.DESCBENCH_THREADS : (process.env.DESCBENCH_THREADS = saved)));

  test('--jobs 1 computes every cell on one thread and leaves the environment as it was', async () => {
    expect(await threadsSeen(1)).toEqual([1, 1]);
    expect(process.env.DESCBENCH_THREADS).toBeUndefined();
  });

  test('without --jobs (every core) the libraries keep their own thread choice', async () => {
    expect(await threadsSeen(undefined)).toEqual([0, 0]);
    expect(await threadsSeen(availableParallelism())).toEqual([0, 0]);
  });

  test("a user's DESCBENCH_THREADS is kept", async () => {
    process.env.DESCBENCH_THREADS = '3';
    expect(await threadsSeen(1)).toEqual([3, 3]);
    expect(process.env.DESCBENCH_THREADS).toBe('3');
  });
});
