import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { apFromPositiveRanks, averagePrecision, precisionRecall, rocCurve } from './index';

/** Copy of ../shared/golden/hpatches_ap.json (see __fixtures__/golden/README.md). */
const golden = (file: string): any => JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'golden', file), 'utf8'));

const rel = (x: number, y: number): void => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));

describe('HPatches python AP against golden/hpatches_ap.json', () => {
  const g = golden('hpatches_ap.json');
  it('matching case (numPositives = #patches)', () => {
    const c = g.matching_case;
    const scores = c.nn_distances.map((x: number) => -x);
    const r = precisionRecall(scores, c.nn_correct, { numPositives: c.numpos });
    expect(r.precision.length).toBe(c.precision.length);
    c.precision.forEach((v: number, i: number) => rel(r.precision[i] as number, v));
    c.recall.forEach((v: number, i: number) => rel(r.recall[i] as number, v));
    rel(r.ap, c.ap);
  });
  it('verification case', () => {
    const c = g.verification_case;
    const r = precisionRecall(c.distances.map((x: number) => -x), c.labels);
    c.precision.forEach((v: number, i: number) => rel(r.precision[i] as number, v));
    c.recall.forEach((v: number, i: number) => rel(r.recall[i] as number, v));
    rel(r.ap, c.ap);
  });
});

describe('matlab AP convention against VLFeat vl_pr semantics (__fixtures__/matlab-ap.py)', () => {
  const g = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'matlab-ap.json'), 'utf8')) as {
    cases: { scores: (number | '-inf')[]; labels: number[]; numPositives: number | null; ap: number }[];
  };
  it(`${g.cases.length} cases with ties, -inf scores and extra numPositives`, () => {
    expect(g.cases.length).toBe(40);
    for (const c of g.cases) {
      const scores = c.scores.map((s) => (s === '-inf' ? -Infinity : s));
      const ap = averagePrecision(scores, c.labels, { convention: 'matlab', ...(c.numPositives !== null ? { numPositives: c.numPositives } : {}) });
      rel(ap, c.ap);
    }
  });
});

describe('AP conventions', () => {
  it('matlab (TREC) AP: mean precision at each recalled positive, unretrieved ones count 0', () => {
    // ranking: + - + -  with 3 positives in all: (1/1 + 2/3) / 3
    expect(averagePrecision([4, 3, 2, 1], [1, 0, 1, 0], { convention: 'matlab', numPositives: 3 })).toBeCloseTo((1 + 2 / 3) / 3, 15);
    // -inf scores are never retrieved
    expect(averagePrecision([4, -Infinity, 2], [1, 1, 0], { convention: 'matlab' })).toBeCloseTo(0.5, 15);
  });
  it('python and matlab differ on the same ranking', () => {
    const s = [0.9, 0.8, 0.7, 0.6, 0.5];
    const l = [1, 0, 1, 0, 1];
    const py = averagePrecision(s, l);
    const ml = averagePrecision(s, l, { convention: 'matlab' });
    rel(ml, (1 + 2 / 3 + 3 / 5) / 3);
    // trapezoids: (1+1)/2 + (1/2 + 2/3)/2 + (2/4 + 3/5)/2, each times 1/3
    rel(py, ((1 + 1) / 2 + (1 / 2 + 2 / 3) / 2 + (2 / 4 + 3 / 5) / 2) / 3);
  });
  it('stable order on ties: earlier input ranks first', () => {
    expect(averagePrecision([1, 1], [1, 0], { convention: 'matlab' })).toBe(1);
    expect(averagePrecision([1, 1], [0, 1], { convention: 'matlab' })).toBe(0.5);
  });
  it('apFromPositiveRanks equals the full curve for both conventions', () => {
    const s = [0.95, 0.9, 0.8, 0.7, 0.65, 0.6, 0.5, 0.4];
    const l = [0, 1, 1, 0, 0, 1, 0, 1];
    for (const convention of ['python', 'matlab'] as const) {
      rel(apFromPositiveRanks([1, 2, 5, 7], 4, convention), averagePrecision(s, l, { convention }));
    }
  });
  it('refuses NaN scores and numPositives below the labelled positives', () => {
    expect(() => averagePrecision([NaN, 1], [1, 0])).toThrow(InputError);
    expect(() => averagePrecision([2, 1], [1, 1], { numPositives: 1 })).toThrow(InputError);
  });
  it('ROC AUC: perfect separation 1, inverted 0, trapezoid on interleaving', () => {
    expect(rocCurve([3, 2, 1, 0], [1, 1, 0, 0]).auc).toBe(1);
    expect(rocCurve([3, 2, 1, 0], [0, 0, 1, 1]).auc).toBe(0);
    expect(rocCurve([3, 2, 1, 0], [1, 0, 1, 0]).auc).toBe(0.75);
  });
});
