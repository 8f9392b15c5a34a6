/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, SeededRng } from '@descbench/core';
import { float16Table, toFloat16Array, toFloat16Bits } from '@descbench/core';
import { exactKnn, RadixArgsort, rankingsPerQuery, ranksFromPerQuery, type KnnResult } from './knn';
import { blockStore, concatStores, l2NormalizeRows, readRows, vectorStore } from './vectors';

function randomRows(n: number, d: number, seed: number): Float32Array {
  const rng = new SeededRng(seed);
  return l2NormalizeRows(Float32Array.from({ length: n * d }, () => rng.normal()), d);
}

/** Same ranking up to swaps of candidates whose scores differ by less than `tol`. */
function sameRanking(a: KnnResult, b: KnnResult, tol = 1e-5): void {
  expect([a.k, a.queries]).toEqual([b.k, b.queries]);
  for (let i = 0; i < a.ranks.length; i++) {
    if (a.ranks[i] !== b.ranks[i]) expect(Math.abs(a.scores[i]! - b.scores[i]!)).toBeLessThan(tol);
    expect(a.scores[i]).toBeCloseTo(b.scores[i]!, 5);
  }
}

describe('exact kNN', () => {
  const N = 1500;
  const D = 48;
  const db = randomRows(N, D, 1);
  const q = randomRows(7, D, 2);

  it('the three engines agree, in chunks or not, and match a full sort', async () => {
    const ref = await exactKnn(vectorStore(db, N, D), q, { k: 20, engine: 'js' });
    // by hand: full sort of query 3
    const s = Array.from({ length: N }, (_, i) => {
      let a = 0;
      for (let k = 0; k < D; k++) a += db[i * D + k]! * q[3 * D + k]!;
      return a;
    });
    const best = Array.from({ length: N }, (_, i) => i).sort((x, y) => s[y]! - s[x]! || x - y).slice(0, 20);
    expect(rankingsPerQuery(ref)[3]).toEqual(Int32Array.from(best));
    sameRanking(await exactKnn(vectorStore(db, N, D), q, { k: 20, engine: 'onnx', chunkRows: 333 }), ref);
    sameRanking(await exactKnn(vectorStore(db, N, D), q, { k: 20, engine: 'usearch', chunkRows: 400 }), ref);
    sameRanking(await exactKnn(vectorStore(db, N, D), q, { k: 20, engine: 'js', chunkRows: 7 }), ref);
  });

  it('full rankings (dense path) equal the heap path and numpy argsort', async () => {
    const full = await exactKnn(vectorStore(db, N, D), q, { k: N, engine: 'onnx', chunkRows: 500 });
    const top = await exactKnn(vectorStore(db, N, D), q, { k: 30, engine: 'js' });
    sameRanking({ ...full, k: 30, ranks: full.ranks.slice(0, 30 * 7), scores: full.scores.slice(0, 30 * 7) }, top);
    expect(new Set(rankingsPerQuery(full)[0]).size).toBe(N);
    const tmp = mkdtempSync(join(tmpdir(), 'knn-'));
    try {
      writeFileSync(join(tmp, 'db.bin'), db);
      writeFileSync(join(tmp, 'q.bin'), q);
      const py = spawnSync('python3', ['-c', `import numpy as np,sys
db=np.fromfile(sys.argv[1]+'/db.bin',dtype=np.float32).reshape(${N},${D}); q=np.fromfile(sys.argv[1]+'/q.bin',dtype=np.float32).reshape(7,${D})
r=np.argsort(-np.dot(db,q.T),axis=0,kind='stable'); print(' '.join(map(str,r[:50].ravel())))`, tmp], { encoding: 'utf8' });
      if (py.status !== 0) return console.log('skipped numpy comparison: python3 with numpy is not available');
      const np = py.stdout.trim().split(' ').map(Number);
      const ours = await exactKnn(vectorStore(db, N, D), q, { k: 50, engine: 'js' });
      let diff = 0;
      np.forEach((v, i) => (diff += v === ours.ranks[i] ? 0 : 1));
      expect(diff).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('searches float16 storage split in blocks', async () => {
    const h = toFloat16Array(db);
    const blocks = blockStore([0, 1, 2, 3].map((b) => h.subarray(b * 400 * D, Math.min(N, (b + 1) * 400) * D)), D);
    const f16 = await exactKnn(blocks, q, { k: 10, engine: 'onnx', chunkRows: 256 });
    const t = float16Table();
    const back = Float32Array.from(h, (x) => t[x]!);
    const ref = await exactKnn(vectorStore(back, N, D), q, { k: 10, engine: 'js' });
    sameRanking(f16, ref);
    // a float32 block then float16 blocks (a dataset's database + R1M-style distractors), every engine, full ranking too
    const mixed = concatStores(vectorStore(back.slice(0, 300 * D), 300, D), blockStore([h.subarray(300 * D, 900 * D), h.subarray(900 * D)], D));
    expect(mixed.count).toBe(N);
    for (const engine of ['onnx', 'usearch', 'js'] as const) sameRanking(await exactKnn(mixed, q, { k: 10, engine, chunkRows: 256 }), ref);
    const fullMixed = await exactKnn(mixed, q, { k: N, engine: 'onnx', chunkRows: 256 });
    const fullRef = await exactKnn(vectorStore(back, N, D), q, { k: N, engine: 'js' });
    sameRanking(fullMixed, fullRef);
    expect(Array.from(readRows(mixed, 298, 4, new Float32Array(4 * D)))).toEqual(Array.from(back.subarray(298 * D, 302 * D)));
  });

  it('converts float16 as numpy does (round half to even)', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(2 ** -24)).toBe(1);
    expect(float16Table()[0x3555]).toBeCloseTo(0.33325, 5);
  });

  it('refuses k larger than the database', async () => {
    await expect(exactKnn(vectorStore(db, N, D), q, { k: N + 1 })).rejects.toThrow(InputError);
    await expect(exactKnn(vectorStore(db, N, D), q, { k: N + 1 })).rejects.toThrow(/k = 1501 is larger than the database \(1500 vectors\)/);
  });

  it('radix argsort: descending, ties by lower index, negatives and infinities', () => {
    const v = Float32Array.from([0.5, -1, 3, 0.5, -Infinity, 2e-30, -2e-30, Infinity, 3]);
    expect(Array.from(new RadixArgsort(v.length).descending(v))).toEqual([7, 2, 8, 0, 3, 5, 6, 1, 4]);
  });

  it('converts between the [k, Q] layout and per-query rankings', () => {
    const per = [Int32Array.of(3, 1), Int32Array.of(0, 2)];
    expect(Array.from(ranksFromPerQuery(per))).toEqual([3, 0, 1, 2]);
  });
});
