import { InputError } from '@descbench/core';
import { assertSameLength, type NumericArray } from './validate';
import { countPositiveLabels } from './binary-labels';

/**
 * Cumulative true/false positive counts down a ranking by decreasing score, as
 * hpatches-benchmark `utils/metrics.tpfp` and VLFeat `vl_tpfp` compute them:
 *
 * - `numPositives` (optional, >= the positives in `labels`) appends the missing positives with
 *   score -inf, i.e. never retrieved;
 * - samples are ordered by decreasing score with a stable sort (numpy `argsort(-s, 'mergesort')`,
 *   MATLAB `sort(s, 'descend')`): equal scores keep their input order;
 * - samples with score -inf are dropped (never retrieved);
 * - `tp[0] = fp[0] = 0`, then `tp[i]`/`fp[i]` count positives/negatives among the first i.
 *
 * @param scores `[N]` larger = more likely positive; NaN is refused, +-inf allowed.
 * @param labels `[N]` 1 = positive, 0 (or -1) = negative; other values are refused.
 */
export interface TpFp {
  /** `[M + 1]` cumulative true positives (M = retrieved samples). */
  tp: Float64Array;
  /** `[M + 1]` cumulative false positives. */
  fp: Float64Array;
  /** Positives, including those added by `numPositives`. */
  p: number;
  /** Negatives. */
  n: number;
  /** `[M]` input index of each retrieved sample in rank order (appended positives are >= N). */
  perm: Uint32Array;
}

export function tpfp(scores: NumericArray, labels: NumericArray, numPositives?: number): TpFp {
  assertSameLength(scores, labels, 'scores and labels');
  const n0 = scores.length;
  let p = countPositiveLabels(labels); // 1 positive, 0 or -1 negative; anything else refused
  for (let i = 0; i < n0; i++) {
    const s = scores[i] as number;
    if (Number.isNaN(s)) throw new InputError(`score ${i} is NaN`, { at: `score ${i}` });
  }
  const n = n0 - p;
  if (numPositives !== undefined) {
    if (!(numPositives >= p)) {
      throw new InputError(`numPositives (${numPositives}) is smaller than the ${p} positives in the labels`);
    }
    p = numPositives;
  }
  // appended positives all have score -inf and are dropped, so only the given samples are ranked
  const order = new Uint32Array(n0);
  for (let i = 0; i < n0; i++) order[i] = i;
  const key = Float64Array.from(scores);
  order.sort((a, b) => {
    const d = (key[b] as number) - (key[a] as number);
    return d > 0 ? 1 : d < 0 ? -1 : a - b;
  });
  let m = n0;
  while (m > 0 && (key[order[m - 1] as number] as number) === -Infinity) m--;
  const tp = new Float64Array(m + 1);
  const fp = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    const pos = (labels[order[i] as number] as number) === 1;
    tp[i + 1] = (tp[i] as number) + (pos ? 1 : 0);
    fp[i + 1] = (fp[i] as number) + (pos ? 0 : 1);
  }
  return { tp, fp, p, n, perm: order.subarray(0, m) };
}

/** Trapezoid rule as numpy `trapz(y, x)`: sum of `(x[i+1] - x[i]) * (y[i+1] + y[i]) / 2`. */
export function trapz(y: NumericArray, x: NumericArray): number {
  let s = 0;
  for (let i = 0; i + 1 < y.length; i++) {
    s += ((x[i + 1] as number) - (x[i] as number)) * ((y[i + 1] as number) + (y[i] as number)) / 2;
  }
  return s;
}
