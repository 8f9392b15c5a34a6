import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import { loadRevisitopDataset, loadUbcDataset } from '@descbench/datasets';
import { generateData } from './generate-data';

describe('generateData (bench generate)', () => {
  let root: string;
  let err: jest.SpyInstance;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'descbench-gen-'));
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(() => {
    err.mockRestore();
    rmSync(root, { recursive: true, force: true });
  });
  it('writes loadable UBC and revisitop data', () => {
    const u = generateData({ kind: 'ubc', out: join(root, 'ubc'), patches: 300, pairs: 40, seed: 1 });
    expect(loadUbcDataset(u.dir, { progress: false }).pairs!.label.length).toBe(40);
    generateData({ kind: 'revisitop', out: join(root, 'rop'), name: 'toy', images: 30, queries: 3, dim: 8 });
    expect(loadRevisitopDataset(join(root, 'rop'), 'toy').gnd.imlist).toHaveLength(30);
  });
  it('bad options are InputErrors', () => {
    for (const bad of [
      () => generateData({ kind: 'ubc', out: join(root, 'x'), patches: 2 }),
      () => generateData({ kind: 'hpatches', out: join(root, 'x'), sequences: 1.5 }),
      () => generateData({ kind: 'revisitop', out: join(root, 'x'), name: '../evil' }),
      () => generateData({ kind: 'revisitop', out: join(root, 'x'), difficulty: -1 }),
    ]) {
      let e: unknown;
      try {
        bad();
      } catch (x) {
        e = x;
      }
      expect(isInputError(e)).toBe(true);
    }
  });
});
