import { InputError } from '@descbench/core';
import { EXPECTED_FLOAT, EXPECTED_QUANTIZED } from './__fixtures__/hpatches-expected';
import { syntheticHPatches } from './__fixtures__/hpatches-synthetic';
import { hpatchesMatching, hpatchesRetrieval, hpatchesVerification, HPATCHES_NOISE, summarizeHPatches } from './index';

const rel = (x: number, y: number): void => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
const POOLS = [3, 8, 10, 100];

for (const [name, quantized, expected] of [
  ['quantized descriptors (many ties)', true, EXPECTED_QUANTIZED],
  ['float64 descriptors (float32 cast in retrieval)', false, EXPECTED_FLOAT],
] as const) {
  describe(`HPatches tasks vs the python benchmark: ${name}`, () => {
    const x = syntheticHPatches(quantized);
    const v = hpatchesVerification(x.descr, x.verification);
    const m = hpatchesMatching(x.descr, x.sequences);
    const r = hpatchesRetrieval(x.descr, x.queries, x.distractors, { pools: POOLS });
    it('verification: balanced AUC and imbalanced AP, intra and inter, e/h/t', () => {
      for (const t of HPATCHES_NOISE) {
        for (const neg of ['intra', 'inter'] as const) {
          rel(v[t][neg].balancedAuc, expected.verification[t][neg].balancedAuc);
          rel(v[t][neg].imbalancedAp, expected.verification[t][neg].imbalancedAp);
        }
      }
    });
    it('matching: AP and success rate per sequence, noise level and image', () => {
      for (const s of x.sequences) {
        for (const t of HPATCHES_NOISE) {
          const got = m.get(s)![t];
          const exp = (expected.matching as Record<string, Record<string, readonly { ap: number; sr: number }[]>>)[s]![t]!;
          exp.forEach((e, i) => {
            rel(got[i]!.ap, e.ap);
            rel(got[i]!.sr, e.sr);
          });
        }
      }
    });
    it('retrieval: AP per pool size and query', () => {
      for (const t of HPATCHES_NOISE) {
        POOLS.forEach((_, pi) => expected.retrieval[t][pi]!.forEach((e, qi) => rel(r[t][pi]![qi]!, e)));
      }
    });
    it('article summary (the reference prints percentages)', () => {
      const s = summarizeHPatches(v, m, r);
      rel(100 * s.verification, expected.summary.verification);
      rel(100 * s.matching, expected.summary.matching);
      rel(100 * s.retrieval, expected.summary.retrieval);
    });
  });
}

describe('HPatches tasks: input checks', () => {
  const x = syntheticHPatches(true);
  it('refuses unknown sequences, patch indices out of range and unbalanced negatives', () => {
    expect(() => hpatchesMatching(x.descr, ['v_missing'])).toThrow(/no descriptors for HPatches sequence "v_missing"/);
    const bad = { ...x.verification, positives: [{ ...x.verification.positives[0]!, idx1: 99 }, ...x.verification.positives.slice(1)] };
    expect(() => hpatchesVerification(x.descr, bad)).toThrow(/patch 99 is outside the 7 patches/);
    expect(() => hpatchesVerification(x.descr, { ...x.verification, negIntra: x.verification.negIntra.slice(1) })).toThrow(InputError);
    expect(() => hpatchesRetrieval(x.descr, [{ s: 'i_a', idx: 7 }], x.distractors)).toThrow(/patch 7/);
  });
  it('the matlab AP convention differs from python on the same matching', () => {
    const py = hpatchesMatching(x.descr, ['v_b']).get('v_b')!.t[0]!.ap;
    const ml = hpatchesMatching(x.descr, ['v_b'], { apConvention: 'matlab' }).get('v_b')!.t[0]!.ap;
    expect(ml).not.toBe(py);
  });
});
