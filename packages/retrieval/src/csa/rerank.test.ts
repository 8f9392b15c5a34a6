/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRng } from '@descbench/core';
import { createOnnxSession, useTfjsBackend, type StateDict } from '@descbench/models';
import { CSA_PAPER_CONFIG, type CsaConfig } from './config';
import { featureRows, type FeatureRows } from './features';
import { createCsaModel } from './model';
import { buildCsaOnnx } from './onnx-graph';
import { csaRerank } from './rerank';

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

interface Flat {
  shape: number[];
  data: number[];
}
const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'csa-model.json'), 'utf8')) as {
  cases: { name: string; config: CsaConfig; stateDict: Record<string, Flat>; affinity: Flat; scores: number[] }[];
};

describe.each(fixture.cases.map((c) => [c.name, c] as const))('ONNX graph vs PyTorch: %s', (_n, c) => {
  test('onnxruntime scores within 1e-5 of PyTorch', async () => {
    const sd: StateDict = new Map(Object.entries(c.stateDict).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
    const s = await createOnnxSession(buildCsaOnnx(c.config, sd));
    const out = await s.run(Float32Array.from(c.affinity.data), c.affinity.shape);
    await s.release();
    expect(out.length).toBe(c.scores.length);
    const worst = Math.max(...c.scores.map((v, i) => Math.abs(out[i]! - v) / (1 + Math.abs(v))));
    expect(worst).toBeLessThan(1e-5);
  });
});

const unitRows = (count: number, dim: number, seed: number): FeatureRows => {
  const rng = new SeededRng(seed);
  const d = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let k = 0; k < dim; k++) n += (d[i * dim + k] = rng.normal()) ** 2;
    for (let k = 0; k < dim; k++) d[i * dim + k]! /= Math.sqrt(n);
  }
  return featureRows(d, count, dim);
};

describe('csaRerank', () => {
  const cfg: CsaConfig = { ...CSA_PAPER_CONFIG, anchors: 8, embedDim: 24, heads: 12 };
  const db = unitRows(40, 10, 1);
  const qs = unitRows(3, 10, 2);
  const rankings = [0, 1, 2].map((q) => {
    const s = Array.from({ length: 40 }, (_, i) => i);
    const dot = (i: number): number => Array.from({ length: 10 }, (_, k) => db.data[i * 10 + k]! * qs.data[q * 10 + k]!).reduce((a, b) => a + b, 0);
    return Int32Array.from(s.sort((a, b) => dot(b) - dot(a)));
  });

  test('only the top K move; onnx and tfjs engines agree', async () => {
    const model = createCsaModel(cfg, { seed: 4 });
    const a = await csaRerank({ db, queries: qs, rankings, model, k: 12, engine: 'onnx', batch: 2 });
    const b = await csaRerank({ db, queries: qs, rankings, model, k: 12, engine: 'tfjs' });
    model.dispose();
    for (let q = 0; q < 3; q++) {
      expect(Array.from(a.rankings[q]!.subarray(12))).toEqual(Array.from(rankings[q]!.subarray(12)));
      expect([...a.rankings[q]!.subarray(0, 12)].sort((x, y) => x - y)).toEqual([...rankings[q]!.subarray(0, 12)].sort((x, y) => x - y));
      for (let j = 0; j < 12; j++) expect(a.scores[q]![j]).toBeCloseTo(b.scores[q]![j]!, 5);
      expect(Array.from(a.rankings[q]!)).toEqual(Array.from(b.rankings[q]!));
      // descending scores along the new order
      const pos = new Map(Array.from(rankings[q]!.subarray(0, 12)).map((id, j) => [id, j]));
      const s = Array.from(a.rankings[q]!.subarray(0, 12)).map((id) => a.scores[q]![pos.get(id)!]!);
      for (let j = 1; j < 12; j++) expect(s[j]!).toBeLessThanOrEqual(s[j - 1]!);
    }
  });

  test('K or L larger than the database is refused', async () => {
    const model = createCsaModel(cfg, { seed: 4 });
    await expect(csaRerank({ db, queries: qs, rankings, model, k: 41 })).rejects.toThrow(/at least 41 database images; there are 40/);
    model.dispose();
  });
});
