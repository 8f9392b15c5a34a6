/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticHPatches } from '@descbench/datasets';
import { createModel, type PatchDescriptor } from '@descbench/models';
import { describeHPatches, evaluateHPatches, loadHPatchesBenchmark, noiseBreakdown } from './hpatches-benchmark';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-hpbench-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A descriptor that returns a random unit vector per patch: chance-level performance. */
function randomDescriptor(dim = 16): PatchDescriptor {
  let state = 12345;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return {
    name: 'random',
    patchSize: 32,
    dim,
    runtime: 'js',
    describe: async (_p, b) => {
      const out = new Float32Array(b * dim);
      for (let i = 0; i < b; i++) {
        let n = 0;
        for (let k = 0; k < dim; k++) n += (out[i * dim + k] = next()) ** 2;
        for (let k = 0; k < dim; k++) out[i * dim + k]! /= Math.sqrt(n);
      }
      return out;
    },
    dispose: () => undefined,
  };
}

describe('HPatches benchmark of a zoo descriptor (split a)', () => {
  it('loads the split, describes every image and gives the article summary with the Easy/Hard/Tough breakdown', async () => {
    const r = generateSyntheticHPatches(join(tmp, 'hp'), { sequences: 6, patches: 12, seed: 4 });
    const b = loadHPatchesBenchmark(r.releaseDir, r.tasksDir, 'a', { drawnPairs: 300 });
    expect(b.test.length).toBe(2);
    expect(b.pairs).toBe('drawn'); // generated data has no verification lists: drawn like gen_verif
    expect(b.verification.positives).toHaveLength(300);
    for (const s of b.test) expect(b.sequences.get(s)!.images.size).toBe(16);

    const sift = await createModel('sift');
    const rnd = randomDescriptor();
    try {
      const ds = evaluateHPatches(await describeHPatches(sift, b), b);
      const dr = evaluateHPatches(await describeHPatches(rnd, b), b);
      for (const v of [ds.verification, ds.matching, ds.retrieval, dr.matching]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      // SIFT beats random descriptors on every task, clearly on matching (chance ~ 1/12 of patches).
      expect(ds.matching).toBeGreaterThan(dr.matching + 0.2);
      expect(ds.verification).toBeGreaterThan(dr.verification);
      expect(ds.retrieval).toBeGreaterThan(dr.retrieval);
      const br = noiseBreakdown(ds);
      // The geometric noise grows e < h < t: SIFT matches easy patches better than tough ones.
      expect(br.matching.e).toBeGreaterThan(br.matching.t);
      // The article numbers are the means of the breakdown.
      expect((br.matching.e + br.matching.h + br.matching.t) / 3).toBeCloseTo(100 * ds.matching, 9);
      expect((br.retrieval.e + br.retrieval.h + br.retrieval.t) / 3).toBeCloseTo(100 * ds.retrieval, 9);
      expect((br.verification.e + br.verification.h + br.verification.t) / 3).toBeCloseTo(100 * ds.verification, 9);
    } finally {
      sift.dispose();
    }
  });

  it('reads the split\'s verification lists when present, and refuses a tasks folder without retrieval lists, naming the file', () => {
    const r = generateSyntheticHPatches(join(tmp, 'hp2'), { sequences: 4, patches: 4, seed: 1 });
    const test = loadHPatchesBenchmark(r.releaseDir, r.tasksDir, 'a', { drawnPairs: 5 }).test;
    const row = `${test[0]},0,1,${test[0]},3,1`;
    for (const f of ['verif_pos', 'verif_neg_intra', 'verif_neg_inter']) writeFileSync(join(r.tasksDir, `${f}_split-a.csv`), `s1,t1,idx1,s2,t2,idx2\n${row}\n`);
    const b = loadHPatchesBenchmark(r.releaseDir, r.tasksDir, 'a');
    expect(b.pairs).toBe('benchmark');
    expect(b.verification.negInter).toEqual([{ s1: test[0], t1: 0, idx1: 1, s2: test[0], t2: 3, idx2: 1 }]);
    rmSync(join(r.tasksDir, 'retr_queries_split-a.csv'));
    expect(() => loadHPatchesBenchmark(r.releaseDir, r.tasksDir, 'a')).toThrow(/retr_queries_split-a\.csv: missing HPatches retrieval list/);
  });
});
