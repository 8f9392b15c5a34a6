import { InputError } from '@descbench/core';
import { averagePrecision, type ApConvention } from './average-precision';
import { rowDistance, type DescriptorDistance } from './descriptors';
import { checkRow, getSequence, hpatchesImage, HPATCHES_NOISE, type HPatchesDescriptors, type HPatchesNoise } from './hpatches-types';
import { rocAuc } from './roc';

/** A pair from `verif_{pos,neg_intra,neg_inter}_split-*.csv`: (sequence, image id 0..5, patch) x 2. */
export interface VerificationPair {
  s1: string;
  t1: number;
  idx1: number;
  s2: string;
  t2: number;
  idx2: number;
}

export interface VerificationTask {
  positives: readonly VerificationPair[];
  negIntra: readonly VerificationPair[];
  negInter: readonly VerificationPair[];
}

export interface VerificationScores {
  /** Balanced protocol: ROC AUC over all negatives and all positives. */
  balancedAuc: number;
  /** Imbalanced protocol: AP over all negatives and the first floor(0.2 P) positives. */
  imbalancedAp: number;
}

export type VerificationResult = Record<HPatchesNoise, { intra: VerificationScores; inter: VerificationScores }>;

/**
 * HPatches patch verification (hpatches-benchmark `tasks.eval_verification`). For each noise
 * level, the distance of every pair is computed (image id 0 = ref, i = `<noise>i`); negatives
 * come first and positives after them (labels 0 then 1, so on equal distances a negative ranks
 * first, as the stable sort of the reference does); balanced = ROC AUC, imbalanced = AP of the
 * first P + floor(0.2 P) entries, i.e. all negatives and the first 20% of the positives.
 * The reference assumes as many negatives of each kind as positives; so does this (InputError otherwise).
 * `apConvention` picks the AP definition (default `python`, the benchmark's).
 */
export function hpatchesVerification(
  descr: HPatchesDescriptors,
  task: VerificationTask,
  o: { distance?: DescriptorDistance; apConvention?: ApConvention } = {},
): VerificationResult {
  const distance = o.distance ?? 'L2';
  const p = task.positives.length;
  if (p === 0) throw new InputError('verification task has no positive pairs');
  if (task.negIntra.length !== p || task.negInter.length !== p) {
    throw new InputError(
      `verification task needs as many negatives of each kind as positives (positives ${p}, intra ${task.negIntra.length}, inter ${task.negInter.length})`,
    );
  }
  const out = {} as VerificationResult;
  const nImb = p + Math.trunc(p * 0.2);
  for (const t of HPATCHES_NOISE) {
    const dPos = pairDistances(descr, task.positives, t, distance);
    const scores = (neg: readonly VerificationPair[]): { s: Float64Array; l: Uint8Array } => {
      const dNeg = pairDistances(descr, neg, t, distance);
      const s = new Float64Array(2 * p);
      const l = new Uint8Array(2 * p);
      for (let i = 0; i < p; i++) {
        s[i] = -(dNeg[i] as number);
        s[p + i] = -(dPos[i] as number);
        l[p + i] = 1;
      }
      return { s, l };
    };
    const one = (neg: readonly VerificationPair[]): VerificationScores => {
      const { s, l } = scores(neg);
      return {
        balancedAuc: rocAuc(s, l),
        imbalancedAp: averagePrecision(s.subarray(0, nImb), l.subarray(0, nImb), { convention: o.apConvention ?? 'python' }),
      };
    };
    out[t] = { intra: one(task.negIntra), inter: one(task.negInter) };
  }
  return out;
}

function pairDistances(
  descr: HPatchesDescriptors,
  pairs: readonly VerificationPair[],
  t: HPatchesNoise,
  distance: DescriptorDistance,
): Float64Array {
  const d = new Float64Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const q = pairs[i] as VerificationPair;
    const im1 = hpatchesImage(t, q.t1);
    const im2 = hpatchesImage(t, q.t2);
    const a = getSequence(descr, q.s1)[im1];
    const b = getSequence(descr, q.s2)[im2];
    checkRow(a, q.idx1, q.s1, im1);
    checkRow(b, q.idx2, q.s2, im2);
    d[i] = rowDistance(a, q.idx1, b, q.idx2, distance);
  }
  return d;
}
