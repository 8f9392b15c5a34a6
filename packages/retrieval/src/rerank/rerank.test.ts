/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { InputError } from '@descbench/core';
import { exactKnn } from '../search/knn';
import { l2NormalizeRows, vectorStore } from '../search/vectors';
import { augmentDatabase } from './dba';
import { expandQueries } from './query-expansion';

const norm = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('query expansion', () => {
  // 4 database vectors in 3-D, one query
  const db = l2NormalizeRows(Float32Array.from([1, 0.2, 0, 0.9, 0.5, 0, 0, 1, 0, 0, 0, 1]), 3);
  const q = Float32Array.from(norm([1, 0, 0.1]));
  it('aqe averages the query and its top n; alpha-qe weighs them by similarity^3', async () => {
    const store = vectorStore(db, 4, 3);
    const first = await exactKnn(store, q, { k: 4, engine: 'js' });
    expect(Array.from(first.ranks)).toEqual([0, 1, 3, 2]);
    const d0 = Array.from(db.subarray(0, 3));
    const d1 = Array.from(db.subarray(3, 6));
    const s = (a: number[]): number => a.reduce((x, v, i) => x + v * q[i]!, 0);
    const aqe = expandQueries(store, q, first, { method: 'aqe', n: 2 });
    const want = norm([0, 1, 2].map((i) => q[i]! + d0[i]! + d1[i]!));
    want.forEach((v, i) => expect(aqe[i]).toBeCloseTo(v, 6));
    const aq = expandQueries(store, q, first, { method: 'alpha-qe', n: 2 });
    const w0 = s(d0) ** 3;
    const w1 = s(d1) ** 3;
    const want2 = norm([0, 1, 2].map((i) => q[i]! + w0 * d0[i]! + w1 * d1[i]!));
    want2.forEach((v, i) => expect(aq[i]).toBeCloseTo(v, 6));
    expect(() => expandQueries(store, q, first, { method: 'aqe', n: 5 })).toThrow(InputError);
  });
  it('dba replaces each vector by the mean of itself and its top n neighbours', async () => {
    const out = await augmentDatabase(vectorStore(db, 4, 3), { n: 1, engine: 'js' });
    // vector 0's nearest other vector is 1, and 1's is 0
    const want = norm([0, 1, 2].map((i) => db[i]! + db[3 + i]!));
    want.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
    want.forEach((v, i) => expect(out[3 + i]).toBeCloseTo(v, 6));
    const a = await augmentDatabase(vectorStore(db, 4, 3), { method: 'alpha-dba', n: 1, engine: 'js' });
    const s01 = [0, 1, 2].reduce((x, i) => x + db[i]! * db[3 + i]!, 0);
    const want2 = norm([0, 1, 2].map((i) => db[i]! + s01 ** 3 * db[3 + i]!));
    want2.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
    await expect(augmentDatabase(vectorStore(db, 4, 3), { n: 4 })).rejects.toThrow(/n = 4 neighbours need a database of more than 4 vectors/);
  });
});
