import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, SeededRng } from '@descbench/core';
import { sharedFiles } from '../../../core/src/__fixtures__/shared';
import { readRevisitopGnd, writeNpy } from '@descbench/datasets';
import { evalPairs } from './eval-pairs';
import { evalRanks } from './eval-ranks';

const shared = sharedFiles('evalRanks on the real revisitop ground truth', ['data/revisitop/gnd_roxford5k.pkl', 'data/revisitop/gnd_rparis6k.pkl']);

const rel = (x: number, y: number): void => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));

/**
 * A ranking that favours easy, then junk, then hard images (uniform noise plus a boost), made
 * with SeededRng(7): full depth for roxford5k, the first 1000 for rparis6k. The expected numbers
 * were computed from the same ranking files with numpy following revisitop `compute_map`
 * (np.isin positions, junk shift, trapezoid AP, kq = min(max(pos), k)) at authoring time.
 */
function makeRanking(gndPath: string, truncate?: number): { data: Int32Array; depth: number; nq: number } {
  const g = readRevisitopGnd(gndPath);
  const n = g.imlist.length;
  const nq = g.gnd.length;
  const depth = truncate ?? n;
  const rng = new SeededRng(7);
  const data = new Int32Array(depth * nq);
  for (let q = 0; q < nq; q++) {
    const boost = new Float64Array(n);
    const gq = g.gnd[q]!;
    for (const i of gq.easy) boost[i] = 0.6;
    for (const i of gq.hard) boost[i] = 0.35;
    for (const i of gq.junk) boost[i] = 0.5;
    const score = Array.from({ length: n }, (_, i) => rng.float() + (boost[i] as number));
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
    for (let r = 0; r < depth; r++) data[r * nq + q] = order[r] as number;
  }
  return { data, depth, nq };
}

const EXPECTED = {
  roxford5k: {
    easy: { mAP: 0.5935341907063361, 'mP@k': [0.8676470588235294, 0.8147058823529411, 0.7529411764705882] },
    medium: { mAP: 0.4826671349914309, 'mP@k': [0.9285714285714286, 0.8542857142857144, 0.7857142857142856] },
    hard: { mAP: 0.34797228549803183, 'mP@k': [0.8857142857142857, 0.7228571428571428, 0.6085714285714285] },
  },
  rparis6k_top1000: {
    easy: { mAP: 0.617945645489764, 'mP@k': [1.0, 0.9942857142857142, 0.9757142857142856] },
    medium: { mAP: 0.491404120763677, 'mP@k': [1.0, 1.0, 1.0] },
    hard: { mAP: 0.37051674789070405, 'mP@k': [1.0, 1.0, 1.0] },
  },
};

shared.describe('evalRanks on the real ground truth', () => {
  let dir = '';
  let gndOx = '';
  let gndPa = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-ranks-'));
    gndOx = shared.path('data/revisitop/gnd_roxford5k.pkl');
    gndPa = shared.path('data/revisitop/gnd_rparis6k.pkl');
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  const check = (r: ReturnType<typeof evalRanks>, e: (typeof EXPECTED)['roxford5k']): void => {
    for (const p of ['easy', 'medium', 'hard'] as const) {
      rel(r[p].mAP, e[p].mAP);
      e[p]['mP@k'].forEach((v, i) => rel(r[p]['mP@k'][i] as number, v));
    }
  };

  it('roxford5k, full ranking, .npy in revisitop layout, matches numpy revisitop', () => {
    const { data, depth, nq } = makeRanking(gndOx);
    const p = join(dir, 'ox.npy');
    writeNpy(p, { data, shape: [depth, nq] });
    const r = evalRanks({ gnd: gndOx, ranks: p });
    expect(r.queries).toBe(70);
    expect(r.dbSize).toBe(4993);
    expect(r.emptyQueries.easy).toBe(2);
    check(r, EXPECTED.roxford5k);
    // int64, as numpy argsort writes it, in Fortran order: same numbers
    const p64 = join(dir, 'ox64.npy');
    const f = new BigInt64Array(depth * nq);
    for (let rr = 0; rr < depth; rr++) for (let q = 0; q < nq; q++) f[q * depth + rr] = BigInt(data[rr * nq + q] as number);
    writeNpy(p64, { data: f, shape: [depth, nq], fortranOrder: true });
    check(evalRanks({ gnd: gndOx, ranks: p64 }), EXPECTED.roxford5k);
  });

  it('rparis6k, truncated to 1000, as text in queries-x-db layout', () => {
    const { data, depth, nq } = makeRanking(gndPa, 1000);
    const lines: string[] = [];
    for (let q = 0; q < nq; q++) lines.push(Array.from({ length: depth }, (_, r) => data[r * nq + q]).join(','));
    const p = join(dir, 'pa.csv');
    writeFileSync(p, `${lines.join('\n')}\n`);
    const r = evalRanks({ gnd: gndPa, ranks: p, layout: 'queries-x-db' });
    expect(r.depth).toBe(1000);
    check(r, EXPECTED.rparis6k_top1000);
    // the same data in the wrong layout is a shape error with a hint
    expect(() => evalRanks({ gnd: gndPa, ranks: p })).toThrow(/did you mean --layout queries-x-db/);
  });

  it('refuses wrong shapes, out-of-range and duplicated indices, non-integers', () => {
    const { data, depth, nq } = makeRanking(gndOx);
    const bad = join(dir, 'bad.npy');
    writeNpy(bad, { data: data.subarray(0, depth * 69), shape: [depth, 69] });
    expect(() => evalRanks({ gnd: gndOx, ranks: bad })).toThrow(InputError);
    const oor = Int32Array.from(data);
    oor[5 * nq + 3] = 4993;
    writeNpy(bad, { data: oor, shape: [depth, nq] });
    expect(() => evalRanks({ gnd: gndOx, ranks: bad })).toThrow(/bad\.npy, query 3, rank 5: ranked index 4993 is outside \[0, 4993\)/);
    const dup = Int32Array.from(data);
    dup[7 * nq + 2] = dup[2] as number;
    writeNpy(bad, { data: dup, shape: [depth, nq] });
    expect(() => evalRanks({ gnd: gndOx, ranks: bad })).toThrow(/query 2, rank 7: image \d+ is ranked more than once/);
    writeNpy(bad, { data: Float64Array.from({ length: 4 }, () => 0.5), shape: [2, 2] });
    expect(() => evalRanks({ gnd: gndOx, ranks: bad })).toThrow(/not an int32 integer/);
    const txt = join(dir, 'bad.txt');
    writeFileSync(txt, '1,2\n3,x\n');
    expect(() => evalRanks({ gnd: gndOx, ranks: txt })).toThrow(/bad\.txt:2, column "1": "x" is not an integer/);
  });
});

describe('evalPairs against golden/fpr95.json through files', () => {
  let dir = '';
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'eval-pairs-'))));
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));
  // copy of ../shared/golden/fpr95.json (see metrics' __fixtures__/golden/README.md)
  const cases = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'metrics', 'src', '__fixtures__', 'golden', 'fpr95.json'), 'utf8')).cases as {
    name: string;
    labels: number[];
    distances: number[];
    hardnet_fpr95_ties_neg_first: number;
    hardnet_fpr95_ties_pos_first: number;
    hynet_fpr95: number | null;
  }[];
  const writeCase = (c: (typeof cases)[number]): { pairs: string; dist: string } => {
    // m50 columns: patch1 point1 unused patch2 point2 unused unused; label = point1 == point2
    const pairs = join(dir, `${c.name}.m50.txt`);
    writeFileSync(pairs, c.labels.map((l, i) => `${2 * i} ${i} 0 ${2 * i + 1} ${l ? i : i + 100000} 0 0`).join('\n') + '\n');
    const dist = join(dir, `${c.name}.txt`);
    writeFileSync(dist, c.distances.map((v) => String(v)).join('\n') + '\n');
    return { pairs, dist };
  };
  for (const c of cases) {
    it(`${c.name}`, () => {
      const f = writeCase(c);
      rel(evalPairs({ pairs: f.pairs, distances: f.dist }).fpr95, c.hardnet_fpr95_ties_neg_first);
      rel(evalPairs({ pairs: f.pairs, distances: f.dist, ties: 'positives-first' }).fpr95, c.hardnet_fpr95_ties_pos_first);
      if (c.hynet_fpr95 === null) {
        expect(() => evalPairs({ pairs: f.pairs, distances: f.dist, convention: 'hynet' })).toThrow(/at least 20 positives/);
      } else {
        rel(evalPairs({ pairs: f.pairs, distances: f.dist, convention: 'hynet' }).fpr95, c.hynet_fpr95);
      }
      const npy = join(dir, `${c.name}.npy`);
      writeNpy(npy, { data: Float32Array.from(c.distances), shape: [c.distances.length] });
      expect(evalPairs({ pairs: f.pairs, distances: npy }).positives).toBe(c.labels.filter((l) => l === 1).length);
    });
  }
  it('refuses NaN/inf distances (naming the line), count mismatch and malformed pair lines', () => {
    const c = cases[0]!;
    const f = writeCase(c);
    const lines = c.distances.map(String);
    lines[3] = 'nan';
    writeFileSync(f.dist, lines.join('\n'));
    expect(() => evalPairs({ pairs: f.pairs, distances: f.dist })).toThrow(/:4: distance of pair 3 is NaN/);
    lines[3] = 'inf';
    writeFileSync(f.dist, lines.join('\n'));
    expect(() => evalPairs({ pairs: f.pairs, distances: f.dist })).toThrow(/Infinity/);
    writeFileSync(f.dist, lines.slice(0, 5).join('\n'));
    expect(() => evalPairs({ pairs: f.pairs, distances: f.dist })).toThrow(/5 distances for 40 pairs/);
    writeFileSync(f.pairs, '0 1 0 2 1 0 0\n0 1 zero 2\n');
    expect(() => evalPairs({ pairs: f.pairs, distances: f.dist })).toThrow(InputError);
  });
});
