import { InputError } from '@descbench/core';
import { tpfp, trapz } from './tpfp';
import type { NumericArray } from './validate';

/**
 * Average precision conventions of the HPatches benchmark (PROTOCOLS.md, "HPatches"):
 *
 * - `python` (hpatches-benchmark `utils/metrics.pr`): precision = max(tp, 1e-10) / max(tp + fp,
 *   1e-10), recall = tp / max(P, 1e-10), both with the leading (0 retrieved) point, and
 *   AP = trapezoid area under precision(recall). The leading point has precision 1.
 * - `matlab` (VLFeat `vl_pr`, `info.ap`, TREC style): the mean, over the P positives, of the
 *   precision observed each time a new positive is retrieved; positives never retrieved
 *   (score -inf, or added by `numPositives`) contribute 0. With P = 0 this is NaN, as in vl_pr.
 *
 * Both rank by decreasing score with a stable sort (see {@link tpfp}).
 */
export const AP_CONVENTIONS = ['python', 'matlab'] as const;
export type ApConvention = (typeof AP_CONVENTIONS)[number];

export interface PrCurve {
  /** `[M + 1]` precision after 0..M retrieved samples. */
  precision: Float64Array;
  /** `[M + 1]` recall after 0..M retrieved samples. */
  recall: Float64Array;
  ap: number;
}

const SMALL = 1e-10;

/**
 * Precision-recall curve and AP.
 *
 * @param scores `[N]` larger = more likely positive (pass `-distance` for distances).
 * @param labels `[N]` 1 = positive, 0 = negative.
 * @param o.numPositives total positives when some are missing from the lists (never retrieved).
 */
export function precisionRecall(
  scores: NumericArray,
  labels: NumericArray,
  o: { convention?: ApConvention; numPositives?: number } = {},
): PrCurve {
  const convention = o.convention ?? 'python';
  const { tp, fp, p } = tpfp(scores, labels, o.numPositives);
  const m = tp.length;
  const precision = new Float64Array(m);
  const recall = new Float64Array(m);
  const pDen = Math.max(p, SMALL);
  for (let i = 0; i < m; i++) {
    const t = tp[i] as number;
    recall[i] = t / pDen;
    precision[i] = Math.max(t, SMALL) / Math.max(t + (fp[i] as number), SMALL);
  }
  let ap: number;
  if (convention === 'python') {
    ap = trapz(precision, recall);
  } else if (convention === 'matlab') {
    let s = 0;
    for (let i = 1; i < m; i++) if ((recall[i] as number) !== (recall[i - 1] as number)) s += precision[i] as number;
    ap = s / p;
  } else {
    throw new InputError(`unknown AP convention "${String(convention)}"; expected one of ${AP_CONVENTIONS.join(', ')}`);
  }
  return { precision, recall, ap };
}

/** AP only; see {@link precisionRecall}. */
export function averagePrecision(
  scores: NumericArray,
  labels: NumericArray,
  o: { convention?: ApConvention; numPositives?: number } = {},
): number {
  return precisionRecall(scores, labels, o).ap;
}
