import { tpfp, trapz } from './tpfp';
import type { NumericArray } from './validate';

export interface RocCurve {
  /** `[M + 1]` false positive rate after 0..M retrieved samples (starts at 0). */
  fpr: Float64Array;
  /** `[M + 1]` true positive rate. */
  tpr: Float64Array;
  /** Trapezoid area under tpr(fpr). */
  auc: number;
}

/**
 * ROC curve and its area as hpatches-benchmark `utils/metrics.roc` computes them: stable sort by
 * decreasing score, tpr = tp / max(P, 1e-10), fpr = fp / max(N, 1e-10), AUC = trapz(tpr, fpr).
 * Ties between a positive and a negative are therefore ordered by input position (the curve
 * takes a step, not a diagonal), exactly as the reference does.
 *
 * @param scores `[N]` larger = more likely positive (pass `-distance` for distances).
 * @param labels `[N]` 1 = positive, 0 = negative.
 */
export function rocCurve(scores: NumericArray, labels: NumericArray, numPositives?: number): RocCurve {
  const { tp, fp, p, n } = tpfp(scores, labels, numPositives);
  const small = 1e-10;
  const m = tp.length;
  const tpr = new Float64Array(m);
  const fpr = new Float64Array(m);
  const pd = Math.max(p, small);
  const nd = Math.max(n, small);
  for (let i = 0; i < m; i++) {
    tpr[i] = (tp[i] as number) / pd;
    fpr[i] = (fp[i] as number) / nd;
  }
  return { fpr, tpr, auc: trapz(tpr, fpr) };
}

/** Area under the ROC curve; see {@link rocCurve}. */
export function rocAuc(scores: NumericArray, labels: NumericArray): number {
  return rocCurve(scores, labels).auc;
}
