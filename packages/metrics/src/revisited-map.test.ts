import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InputError } from '@descbench/core';
import { computeMap, evaluateRevisited, revisitedGroundTruth, type Ranking, type RevisitedQuery } from './index';

/** Copies of ../shared/golden/revisitop_*.json (see __fixtures__/golden/README.md). */
const golden = (file: string): any => JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'golden', file), 'utf8'));

const close = (a: number, b: number | null): void => {
  if (b === null) {
    expect(Number.isNaN(a)).toBe(true);
    return;
  }
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

/** revisitop layout: ranks[:, q] is query q's ranking, stored C-order as [depth, queries]. */
function dbByQueries(perQuery: number[][]): Ranking {
  const q = perQuery.length;
  const depth = (perQuery[0] as number[]).length;
  const data = new Int32Array(depth * q);
  perQuery.forEach((col, j) => col.forEach((v, r) => (data[r * q + j] = v)));
  return { data, depth, queries: q, layout: 'db-x-queries' };
}

function queriesByDb(perQuery: number[][]): Ranking {
  const depth = (perQuery[0] as number[]).length;
  return { data: Int32Array.from(perQuery.flat()), depth, queries: perQuery.length, layout: 'queries-x-db' };
}

describe('revisited mAP against golden/revisitop_map.json', () => {
  const g = golden('revisitop_map.json');
  const dbSize = (g.ranks_per_query[0] as number[]).length;
  for (const [name, make] of [['db-x-queries', dbByQueries], ['queries-x-db', queriesByDb]] as const) {
    it(`matches mAP, APs, mP@k and P@k (${name})`, () => {
      const r = computeMap(make(g.ranks_per_query), g.gnd, { dbSize, kappas: g.kappas });
      close(r.mAP, g.expected.mAP);
      g.expected.aps.forEach((v: number | null, i: number) => close(r.aps[i] as number, v));
      g.expected['mP@k'].forEach((v: number, i: number) => close(r.mPk[i] as number, v));
      g.expected['P@k_per_query'].forEach((row: (number | null)[], q: number) =>
        row.forEach((v, j) => close((r.pks[q] as Float64Array)[j] as number, v)),
      );
      expect(r.emptyQueries).toBe(1);
      g.expected.adjusted_positive_ranks_0based.forEach((e: number[] | null, q: number) =>
        expect(r.adjusted[q] === null ? null : Array.from(r.adjusted[q] as Int32Array)).toEqual(e),
      );
    });
  }
});

describe('revisited protocols against golden/revisitop_protocols.json', () => {
  const g = golden('revisitop_protocols.json');
  const dbSize = (g.ranks_per_query[0] as number[]).length;
  const gnd = g.gnd_revisited as RevisitedQuery[];
  const ranking = dbByQueries(g.ranks_per_query);
  const key = { easy: 'E', medium: 'M', hard: 'H' } as const;
  for (const p of ['easy', 'medium', 'hard'] as const) {
    it(`${p}: ok/junk lists`, () => {
      const lists = revisitedGroundTruth(gnd, p);
      g.expected[key[p]].gnd.forEach((e: { ok: number[]; junk: number[] }, q: number) => {
        expect(Array.from(lists[q]!.ok)).toEqual(e.ok);
        expect(Array.from(lists[q]!.junk ?? [])).toEqual(e.junk);
      });
    });
    it(`${p}: mAP, APs, mP@k, P@k (one-pass and per-protocol agree)`, () => {
      const e = g.expected[key[p]];
      const all = evaluateRevisited(ranking, gnd, { dbSize, kappas: g.kappas })[p];
      const one = computeMap(ranking, revisitedGroundTruth(gnd, p), { dbSize, kappas: g.kappas });
      for (const r of [all, one]) {
        close(r.mAP, e.mAP);
        e.aps.forEach((v: number | null, i: number) => close(r.aps[i] as number, v));
        e['mP@k'].forEach((v: number, i: number) => close(r.mPk[i] as number, v));
        e['P@k'].forEach((row: (number | null)[], q: number) => row.forEach((v, j) => close((r.pks[q] as Float64Array)[j] as number, v)));
        e.adjusted.forEach((a: number[] | null, q: number) => expect(r.adjusted[q] === null ? null : Array.from(r.adjusted[q] as Int32Array)).toEqual(a));
      }
    });
  }
});

describe('revisited mAP: bad rankings', () => {
  const gnd = [{ ok: [1, 2], junk: [0] }, { ok: [0], junk: [] }];
  it('refuses an index out of range, naming query and rank', () => {
    expect(() => computeMap(queriesByDb([[0, 1, 2], [0, 1, 3]]), gnd, { dbSize: 3 })).toThrow(/query 1, rank 2/);
    expect(() => computeMap(queriesByDb([[0, 1, 2], [0, 1, -1]]), gnd, { dbSize: 3 })).toThrow(InputError);
  });
  it('refuses an image ranked twice for one query', () => {
    expect(() => computeMap(dbByQueries([[0, 1, 2], [0, 0, 2]]), gnd, { dbSize: 3 })).toThrow(/ranked more than once.*|query 1, rank 1/);
    expect(() => computeMap(queriesByDb([[0, 1, 1], [0, 1, 2]]), gnd, { dbSize: 3 })).toThrow(/query 0, rank 2/);
  });
  it('refuses a query count mismatch', () => {
    expect(() => computeMap(queriesByDb([[0, 1, 2]]), gnd, { dbSize: 3 })).toThrow(/queries/);
  });
  it('handles a truncated ranking: missing ok images add nothing, absent ones give P@k 0', () => {
    const r = computeMap(queriesByDb([[1, 0], [2, 1]]), gnd, { dbSize: 3 });
    // query 0: ok 1 at 0; ok 2 absent -> AP = (1 + 1)/2 * 1/2
    expect(r.aps[0]).toBeCloseTo(0.5, 15);
    expect(r.aps[1]).toBe(0);
    expect(Array.from(r.pks[1] as Float64Array)).toEqual([0, 0, 0]);
  });
});

describe('revisited mAP: properties', () => {
  const arbCase = fc
    .integer({ min: 2, max: 40 })
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        perm: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
        roles: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
        seed: fc.integer(),
      }),
    );
  it('mAP and mP@k lie in [0, 1]; a perfect ranking gives 1; permuting junk changes nothing', () => {
    fc.assert(
      fc.property(arbCase, ({ n, perm, roles, seed }) => {
        const ok = roles.flatMap((r, i) => (r === 1 ? [i] : []));
        const junk = roles.flatMap((r, i) => (r === 2 ? [i] : []));
        const gnd = [{ ok, junk }];
        const r = computeMap(queriesByDb([perm]), gnd, { dbSize: n });
        if (ok.length === 0) {
          expect(Number.isNaN(r.mAP)).toBe(true);
          return;
        }
        expect(r.mAP).toBeGreaterThanOrEqual(0);
        expect(r.mAP).toBeLessThanOrEqual(1 + 1e-12);
        for (const v of r.mPk) expect(v >= 0 && v <= 1).toBe(true);
        // perfect: ok first (junk anywhere in between must not hurt)
        const rest = perm.filter((i) => !ok.includes(i));
        const perfect = computeMap(queriesByDb([[...ok, ...rest]]), gnd, { dbSize: n });
        expect(perfect.mAP).toBeCloseTo(1, 12);
        expect(perfect.mPk[0]).toBe(1);
        // permute the junk images among the positions they occupy
        const junkPos = perm.flatMap((v, i) => (junk.includes(v) ? [i] : []));
        const shuffled = [...junkPos.map((p) => perm[p] as number)];
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) | 0;
          const j = Math.abs(s) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as number, shuffled[i] as number];
        }
        const perm2 = [...perm];
        junkPos.forEach((p, i) => (perm2[p] = shuffled[i] as number));
        const r2 = computeMap(queriesByDb([perm2]), gnd, { dbSize: n });
        expect(r2.mAP).toBe(r.mAP);
        expect(r2.mPk).toEqual(r.mPk);
        // moving a junk image to the very front changes nothing either
        if (junk.length > 0) {
          const j0 = junk[0] as number;
          const front = [j0, ...perm.filter((v) => v !== j0)];
          expect(computeMap(queriesByDb([front]), gnd, { dbSize: n }).mAP).toBeCloseTo(
            computeMap(queriesByDb([perm.filter((v) => v !== j0).concat([j0])]), gnd, { dbSize: n }).mAP,
            12,
          );
        }
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});
