/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, useTfjsBackend } from '@descbench/models';
import { loadUbcSubset } from '../training/ubc-training-data';
import { optionGrid, trainAndTrack } from './loss-sweep';
import { sampleThetas, shareBelowRightAngle, thetaHistogram } from './theta-distribution';

let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-sweep-'));
  await useTfjsBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const data = (): { data: 'synthetic'; dataDir: string; patches: number } => ({ data: 'synthetic', dataDir: join(tmp, 'data'), patches: 256 });

describe('Fig. 5 sweeps and Fig. 2(a) sampling', () => {
  it('optionGrid lists every combination in order', () => {
    expect(optionGrid({ a: [1, 2], b: [3, 4] })).toEqual([
      { a: 1, b: 3 },
      { a: 1, b: 4 },
      { a: 2, b: 3 },
      { a: 2, b: 4 },
    ]);
  });

  it('trains on Liberty and tracks FPR@95 on Notre Dame and Yosemite from the initialisation on', async () => {
    const r = await trainAndTrack({ loss: 'hynet-a', options: { margin: 1, gamma: 0.1 } }, { model: 'hynet', preset: 'hynet', profile: 'tiny', seed: 3, ...data(), convention: 'hynet', workDir: join(tmp, 'work') });
    expect(r.data).toBe('synthetic');
    expect(r.curve.map((p) => p.epoch)).toEqual([0, 1]);
    for (const p of r.curve) {
      expect(p.mean).toBeCloseTo((p.notredame + p.yosemite) / 2, 12);
      expect(p.notredame).toBeGreaterThanOrEqual(0);
      expect(p.notredame).toBeLessThanOrEqual(100);
    }
    expect(r.final).toBe(r.curve[1]!.mean);
  });

  it('samples positive and hardest-negative angles per batch, in [0, pi], the same for the same seed', async () => {
    const lib = loadUbcSubset('liberty', data());
    const net = await createModel('hardnet', { seed: 2 });
    try {
      const x = await sampleThetas(net, lib.ds.patches, lib.ds.pointIds, { batches: 2, batchSize: 16, triplets: 8, seed: 1 });
      expect(x.positives).toHaveLength(16);
      expect(x.negatives).toHaveLength(16);
      for (const v of [...x.positives, ...x.negatives]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(Math.PI);
      }
      const again = await sampleThetas(net, lib.ds.patches, lib.ds.pointIds, { batches: 2, batchSize: 16, triplets: 8, seed: 1 });
      expect(Array.from(again.negatives)).toEqual(Array.from(x.negatives));
    } finally {
      net.dispose();
    }
    const h = thetaHistogram([0, Math.PI / 4, Math.PI / 2, Math.PI], 4);
    expect(h.counts).toEqual([1, 1, 1, 1]);
    expect(shareBelowRightAngle([0.1, 1.5, 2])).toBeCloseTo(200 / 3, 12);
  });
});
