import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHPatches, resolveRevisitop, resolveUbcSubset } from './data-source';
import { loadUbcDataset } from './ubc-phototour';
import { loadRevisitopDataset } from './revisitop';
import { readHPatchesSplits } from './hpatches';

describe('--data auto | real | synthetic', () => {
  let root: string;
  let err: jest.SpyInstance;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'descbench-ds-'));
  });
  beforeEach(() => {
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => err.mockRestore());
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const stderr = (): string => err.mock.calls.map((c) => String(c[0])).join('');

  it('real: a missing dataset is an InputError naming the fetch command', () => {
    expect(() => resolveUbcSubset('liberty', { data: 'real', dataDir: root })).toThrow(`pnpm bench fetch ubc-liberty --data-dir ${root}`);
  });
  it('auto without real data: generates once, announces it on stderr, reuses the cache', () => {
    const r = resolveUbcSubset('notredame', { dataDir: root, patches: 300 });
    expect(r.kind).toBe('synthetic');
    expect(stderr()).toMatch(/UBC PhotoTour notredame not found under .*pnpm bench fetch ubc-notredame.*using generated synthetic data/);
    const t = statSync(join(r.dir, 'info.txt')).mtimeMs;
    const again = resolveUbcSubset('notredame', { dataDir: root, patches: 300, data: 'synthetic' });
    expect(again.dir).toBe(r.dir);
    expect(statSync(join(r.dir, 'info.txt')).mtimeMs).toBe(t);
    expect(loadUbcDataset(r.dir, { progress: false }).pairs!.label.length).toBe(300);
  });
  it('HPatches and revisitop fall back the same way', () => {
    const h = resolveHPatches({ dataDir: root, sequences: 2, patches: 5 });
    expect(readHPatchesSplits(join(h.tasksDir, 'splits.json')).get('full')!.test).toHaveLength(2);
    const r = resolveRevisitop('rparis6k', { dataDir: root, images: 50, queries: 4 });
    expect(loadRevisitopDataset(r.root, 'rparis6k').gnd.qimlist).toHaveLength(4);
    expect(stderr()).toMatch(/revisited rparis6k not found/);
  });
});
