import { SeededRng } from '@descbench/core';
import { csaQueryAffinity, csaTrainingAffinity } from './affinity';
import { featureRows, type FeatureRows } from './features';

const random = (count: number, dim: number, seed: number): FeatureRows => {
  const rng = new SeededRng(seed);
  const data = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let k = 0; k < dim; k++) n += (data[i * dim + k] = rng.normal()) ** 2;
    for (let k = 0; k < dim; k++) data[i * dim + k]! /= Math.sqrt(n);
  }
  return featureRows(data, count, dim);
};
const dot = (a: FeatureRows, i: number, b: FeatureRows, j: number): number => {
  let s = 0;
  for (let k = 0; k < a.dim; k++) s += a.data[i * a.dim + k]! * b.data[j * b.dim + k]!;
  return s;
};

describe('CSA affinity', () => {
  const db = random(20, 6, 1);
  const qs = random(2, 6, 2);
  const ranking = [5, 3, 19, 0, 7, 11, 2, 4];

  test('test-time: rows [q; top-K] against anchors [q; top-(L-1)], (K+1) x L', () => {
    const k = 6;
    const l = 4;
    const a = csaQueryAffinity(db, qs, 1, ranking, k, l);
    expect(a.length).toBe((k + 1) * l);
    const rows = [-1, ...ranking.slice(0, k)];
    const anchors = [-1, ...ranking.slice(0, l - 1)];
    rows.forEach((r, i) =>
      anchors.forEach((c, j) => {
        const want = r < 0 && c < 0 ? dot(qs, 1, qs, 1) : r < 0 ? dot(qs, 1, db, c) : c < 0 ? dot(db, r, qs, 1) : dot(db, r, db, c);
        expect(a[i * l + j]).toBeCloseTo(want, 6);
      }),
    );
    expect(a[0]).toBeCloseTo(1, 6);
  });

  test('test-time: a ranking shorter than max(K, L-1) is refused', () => {
    expect(() => csaQueryAffinity(db, qs, 0, ranking.slice(0, 3), 4, 4)).toThrow(/need 4/);
  });

  test('training: rows permuted (row 0 kept), anchor columns in neighbour order', () => {
    const nb = [4, 9, 1, 13, 2];
    const order = [0, 3, 1, 4, 2];
    const a = csaTrainingAffinity(db, nb, 3, order);
    for (let r = 0; r < nb.length; r++) for (let c = 0; c < 3; c++) expect(a[r * 3 + c]).toBeCloseTo(dot(db, nb[order[r]!]!, db, nb[c]!), 6);
    expect(() => csaTrainingAffinity(db, nb, 3, [1, 0, 2, 3, 4])).toThrow(/starting with 0/);
  });
});
