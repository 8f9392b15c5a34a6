import type { MatchingResult } from './hpatches-matching';
import type { RetrievalResult } from './hpatches-retrieval';
import { HPATCHES_NOISE, meanOf, type HPatchesNoise } from './hpatches-types';
import type { VerificationResult } from './hpatches-verification';

/**
 * The HPatches "article" summary (hpatches-benchmark `utils/results.py`, the numbers of the
 * benchmark's bar figure and of the HyNet paper's HPatches mAP), as fractions in [0, 1] (the
 * reference prints percentages):
 *
 * - verification: mean of the 6 imbalanced APs (e/h/t x intra/inter); `verificationBalanced` is
 *   the same mean of the balanced ROC AUCs;
 * - matching: per sequence the mean AP of its 5 images; per noise level and sequence type
 *   (`i_*` illumination, `v_*` viewpoint) the mean over sequences; then the mean over noise
 *   levels per type and the mean of the two types. (The reference gives NaN when a split lacks
 *   one type; here the mean covers the types present);
 * - retrieval: per noise level the mean over pool sizes of the mean AP over queries; then the
 *   mean of e/h/t.
 */
export interface HPatchesSummary {
  verification: number;
  verificationBalanced: number;
  verificationCases: Record<string, number>;
  matching: number;
  matchingCases: Record<string, number>;
  retrieval: number;
  retrievalCases: Record<HPatchesNoise, number>;
}

export function summarizeVerification(v: VerificationResult): { imbalanced: number; balanced: number; cases: Record<string, number> } {
  const cases: Record<string, number> = {};
  let imb = 0;
  let bal = 0;
  for (const t of HPATCHES_NOISE) {
    for (const neg of ['intra', 'inter'] as const) {
      const s = v[t][neg];
      cases[`${t}.${neg}.imbalanced`] = s.imbalancedAp;
      cases[`${t}.${neg}.balanced`] = s.balancedAuc;
      imb += s.imbalancedAp;
      bal += s.balancedAuc;
    }
  }
  return { imbalanced: imb / 6, balanced: bal / 6, cases };
}

export function summarizeMatching(m: MatchingResult): { mean: number; cases: Record<string, number> } {
  const byCase = new Map<string, number[]>();
  for (const [seq, perNoise] of m) {
    const type = seq.split('_')[0] ?? seq;
    for (const t of HPATCHES_NOISE) {
      const key = `${t}.${type}`;
      const list = byCase.get(key) ?? [];
      list.push(meanOf(perNoise[t].map((x) => x.ap)));
      byCase.set(key, list);
    }
  }
  const cases: Record<string, number> = {};
  const typeMeans: number[] = [];
  for (const type of ['i', 'v']) {
    const vals: number[] = [];
    for (const t of HPATCHES_NOISE) {
      const list = byCase.get(`${t}.${type}`);
      if (list === undefined) continue;
      cases[`${t}.${type}`] = meanOf(list);
      vals.push(meanOf(list));
    }
    if (vals.length > 0) typeMeans.push(meanOf(vals));
  }
  return { mean: meanOf(typeMeans), cases };
}

export function summarizeRetrieval(r: RetrievalResult): { mean: number; cases: Record<HPatchesNoise, number> } {
  const cases = {} as Record<HPatchesNoise, number>;
  for (const t of HPATCHES_NOISE) cases[t] = meanOf(r[t].map((aps) => meanOf(Array.from(aps))));
  return { mean: meanOf(HPATCHES_NOISE.map((t) => cases[t])), cases };
}

export function summarizeHPatches(v: VerificationResult, m: MatchingResult, r: RetrievalResult): HPatchesSummary {
  const sv = summarizeVerification(v);
  const sm = summarizeMatching(m);
  const sr = summarizeRetrieval(r);
  return {
    verification: sv.imbalanced,
    verificationBalanced: sv.balanced,
    verificationCases: sv.cases,
    matching: sm.mean,
    matchingCases: sm.cases,
    retrieval: sr.mean,
    retrievalCases: sr.cases,
  };
}
