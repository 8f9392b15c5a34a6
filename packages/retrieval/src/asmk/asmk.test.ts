import { SeededRng } from '@descbench/core';
import { aggregateImage } from './aggregate';
import { asmkSearch, trainCodebook, type LocalDescriptors } from './asmk';
import { assignWords } from './assign';
import { binarySimilarity, packSigns } from './binary';
import { kmeans } from './kmeans';
import { selectiveKernel } from './selective-kernel';

const D = 40; // not a multiple of 32: the packing's tail is exercised

function image(rng: SeededRng, n: number, centres: Float32Array, nc: number): LocalDescriptors {
  const rows = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const c = rng.int(0, nc - 1);
    for (let j = 0; j < D; j++) rows[i * D + j] = centres[c * D + j]! + 0.3 * rng.normal();
  }
  return { rows, count: n };
}

/**
 * ASMK written out directly from its definition (Tolias et al. 2013), on plain numbers:
 * all pairs of words, float residuals, sign vectors / sqrt(D), dot products.
 */
function bruteForce(cb: { centroids: Float32Array; k: number }, x: LocalDescriptors, ma: number, y: LocalDescriptors, mb: number): number {
  const phi = (im: LocalDescriptors, m: number): Map<number, number[]> => {
    const out = new Map<number, number[]>();
    for (let i = 0; i < im.count; i++) {
      const d = Array.from({ length: cb.k }, (_, c) => {
        let s = 0;
        for (let j = 0; j < D; j++) s += (im.rows[i * D + j]! - cb.centroids[c * D + j]!) ** 2;
        return [s, c] as const;
      }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [, c] of d.slice(0, m)) {
        const v = out.get(c) ?? new Array<number>(D).fill(0);
        for (let j = 0; j < D; j++) v[j] += im.rows[i * D + j]! - cb.centroids[c * D + j]!;
        out.set(c, v);
      }
    }
    for (const [c, v] of out) out.set(c, v.map((t) => (t > 0 ? 1 : -1) / Math.sqrt(D)));
    return out;
  };
  const sigma = (u: number): number => (u > 0 ? u ** 3 : 0);
  const dot = (a: number[], b: number[]): number => a.reduce((s, t, j) => s + t * b[j]!, 0);
  const px = phi(x, ma);
  const py = phi(y, mb);
  const self = (p: Map<number, number[]>): number => [...p.values()].reduce((s, v) => s + sigma(dot(v, v)), 0);
  let k = 0;
  for (const [c, v] of px) if (py.has(c)) k += sigma(dot(v, py.get(c)!));
  return k / Math.sqrt(self(px) * self(py));
}

describe('ASMK', () => {
  const rng = new SeededRng(5);
  const nc = 12;
  const centres = Float32Array.from({ length: nc * D }, () => rng.normal());
  const train = Array.from({ length: 6 }, () => image(rng, 60, centres, nc));
  const db = Array.from({ length: 9 }, () => image(rng, 40, centres, nc));
  const queries = Array.from({ length: 3 }, () => image(rng, 30, centres, nc));

  it('k-means is deterministic per seed and lowers the inertia over iterations', () => {
    const { rows, count } = { rows: new Float32Array(train.flatMap((t) => [...t.rows])), count: 360 };
    const a = kmeans(rows, count, D, 16, { seed: 3 });
    const b = kmeans(rows, count, D, 16, { seed: 3 });
    expect(a.centroids).toEqual(b.centroids);
    const one = kmeans(rows, count, D, 16, { seed: 3, iterations: 0 });
    expect(a.inertia).toBeLessThan(one.inertia);
    expect(kmeans(rows, count, D, 16, { seed: 4 }).centroids).not.toEqual(a.centroids);
  });

  it('multiple assignment lists the m nearest words, nearest first', () => {
    const cb = trainCodebook(train, D, { codebookSize: 16, seed: 1 });
    const q = queries[0]!;
    const a = assignWords(q.rows, q.count, cb.centroids, 16, D, 5);
    for (let i = 0; i < q.count; i++) {
      const d = Array.from({ length: 16 }, (_, c) => {
        let s = 0;
        for (let j = 0; j < D; j++) s += (q.rows[i * D + j]! - cb.centroids[c * D + j]!) ** 2;
        return s;
      });
      const best = d.map((s, c) => [s, c] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).slice(0, 5).map((x) => x[1]);
      expect([...a.subarray(i * 5, i * 5 + 5)]).toEqual(best);
    }
  });

  it('packed signs give (D - 2 hamming) / D', () => {
    const u = Float32Array.from({ length: D }, () => rng.normal());
    const v = Float32Array.from({ length: D }, () => rng.normal());
    const pu = new Uint32Array(2);
    const pv = new Uint32Array(2);
    packSigns(u, 0, D, pu, 0);
    packSigns(v, 0, D, pv, 0);
    let agree = 0;
    for (let j = 0; j < D; j++) agree += (u[j]! > 0) === (v[j]! > 0) ? 1 : -1;
    expect(binarySimilarity(pu, 0, pv, 0, D)).toBeCloseTo(agree / D, 12);
    expect(selectiveKernel(-0.5, { alpha: 3, threshold: 0 })).toBe(0);
    expect(selectiveKernel(0.5, { alpha: 3, threshold: 0 })).toBeCloseTo(0.125, 12);
  });

  it('the inverted-file search equals a brute-force ASMK scorer (1 word per db descriptor, 5 per query)', () => {
    const cb = trainCodebook(train, D, { codebookSize: 16, seed: 2 });
    const { scores, memoryBytes } = asmkSearch(cb, db, queries);
    queries.forEach((q, qi) => {
      db.forEach((x, i) => expect(scores[qi]![i]).toBeCloseTo(bruteForce(cb, q, 5, x, 1), 10));
    });
    const entries = db.reduce((s, x) => s + aggregateImage(x.rows, x.count, cb, 1, { alpha: 3, threshold: 0 }).words.length, 0);
    expect(memoryBytes).toBe(entries * (8 + 4) + db.length * 8);
    // a query is most similar to images from its own distribution more than to noise
    expect(scores.every((s) => s.some((v) => v > 0))).toBe(true);
  });
});
