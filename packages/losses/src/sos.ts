import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, checkPairs, checkPositiveInt, checkReduction, reduce, resolveOptions, type Reduction } from './checks';
import { unitDistanceMatrix } from './distances';
import { argMinMask, diagonal, falseNegativeMask, minimumSplitTies, noGrad, pickMasked } from './mining';

/** Distances at most this are false negatives in HyNet's and SOSNet's mining (`dist_th` in HyNet's utils.py). */
export const HYNET_FALSE_NEGATIVE_DISTANCE = 8e-3;

/**
 * The three distance matrices of a batch of pairs as HyNet's `train.py` builds them (anchors with
 * anchors `L`, positives with positives `R`, anchors with positives `LR`), each
 * `sqrt(|2 (1 - x.y)| + 1e-6)`, and their mining copies: `+2` on the diagonal, then `+2` where
 * `<= 0.008` (`sort_distance`), computed off the tape.
 */
export interface PairDistances {
  L: tf.Tensor2D;
  R: tf.Tensor2D;
  LR: tf.Tensor2D;
  /** Inner products `a a^T`, `p p^T`, `a p^T` (the `s` of the HyNet paper). */
  SL: tf.Tensor2D;
  SR: tf.Tensor2D;
  SLR: tf.Tensor2D;
  minedL: tf.Tensor2D;
  minedR: tf.Tensor2D;
  minedLR: tf.Tensor2D;
}

export function pairDistances(a: tf.Tensor2D, p: tf.Tensor2D): PairDistances {
  const SL = tf.matMul(a, a, false, true) as tf.Tensor2D;
  const SR = tf.matMul(p, p, false, true) as tf.Tensor2D;
  const SLR = tf.matMul(a, p, false, true) as tf.Tensor2D;
  const L = unitDistanceMatrix(a, a, SL);
  const R = unitDistanceMatrix(p, p, SR);
  const LR = unitDistanceMatrix(a, p, SLR);
  const mined = (m: tf.Tensor2D): tf.Tensor2D =>
    noGrad([m], (x) => tf.add(x, falseNegativeMask(x as tf.Tensor2D, 2, HYNET_FALSE_NEGATIVE_DISTANCE, false))) as tf.Tensor2D;
  return { L, R, LR, SL, SR, SLR, minedL: mined(L), minedR: mined(R), minedLR: mined(LR) };
}

/** Row i marks the k smallest entries of row i of `m` (ties: lower index first, as a stable argsort). */
function rowKnn(m: tf.Tensor2D, k: number): tf.Tensor2D {
  const n = m.shape[1];
  const { indices } = tf.topk(tf.neg(m), k, true);
  return tf.cast(tf.greater(tf.sum(tf.oneHot(indices, n), 1), 0), 'float32') as tf.Tensor2D;
}

function symmetrised(a: tf.Tensor2D): tf.Tensor2D {
  return tf.cast(tf.greater(tf.add(a, tf.transpose(a)), 0), 'float32') as tf.Tensor2D;
}

/**
 * SOS adjacency `A` `[N, N]` (0/1, zero diagonal), off the tape, as HyNet's `train.py` `sos_loss`:
 * kNN of each anchor among anchors (rows of L) and of each positive among positives (columns of R),
 * each graph symmetrised (`A + A^T > 0`), united, minus the diagonal. With `crossGraph`, also the
 * kNN graph of the anchor-positive matrix (its rows and its columns, symmetrised), which the HyNet
 * repository's code adds. k is capped at N, as `argsort(..)[:, :k]` is; the mining copies (diagonal
 * and near-duplicates +2) only decide the neighbours.
 */
export function sosAdjacency(d: PairDistances, k: number, crossGraph: boolean): tf.Tensor2D {
  return noGrad([d.minedL, d.minedR, d.minedLR], (mL, mR, mLR) => {
    const n = mL.shape[0] as number;
    const kk = Math.min(k, n);
    const aL = symmetrised(rowKnn(mL as tf.Tensor2D, kk));
    const aR = symmetrised(tf.transpose(rowKnn(tf.transpose(mR) as tf.Tensor2D, kk)) as tf.Tensor2D);
    let union = tf.add(aL, aR);
    if (crossGraph) {
      const rows = rowKnn(mLR as tf.Tensor2D, kk);
      const cols = tf.transpose(rowKnn(tf.transpose(mLR) as tf.Tensor2D, kk));
      union = tf.add(union, symmetrised(tf.cast(tf.greater(tf.add(rows, cols), 0), 'float32') as tf.Tensor2D));
    }
    return tf.mul(tf.cast(tf.greater(union, 0), 'float32'), tf.sub(1, tf.eye(n)));
  }) as tf.Tensor2D;
}

/** Per-pair SOS terms `[N]`: `sqrt(sum_j A_ij (L_ij - R_ij)^2 + 1e-6)`. */
export function sosTerms(d: PairDistances, k: number, crossGraph: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const diff = tf.mul(tf.sub(d.L, d.R), sosAdjacency(d, k, crossGraph));
    return tf.sqrt(tf.add(tf.sum(tf.square(diff), 1), 1e-6)) as tf.Tensor1D;
  });
}

export interface SosOptions {
  /** Neighbours per descriptor (SOSNet: 8). */
  k: number;
  /** Also use the anchor-positive kNN graph, as HyNet's train.py does (default false: anchors and positives only). */
  crossGraph: boolean;
  /** `sum` as the reference code (default), `mean` as the SOSNet paper's 1/N. */
  reduction: Reduction;
}

export const SOS_DEFAULTS: SosOptions = { k: 8, crossGraph: false, reduction: 'sum' };

/**
 * SOSNet's second-order similarity regulariser, as the authors' code (yuruntian/HyNet `train.py`,
 * `Loss_SOSNet.sos_loss`, distances from `utils.py`): `R = sum_i sqrt(sum_j A_ij (L_ij - R_ij)^2 + 1e-6)`,
 * with L and R the anchor-anchor and positive-positive distance matrices and A the symmetrised
 * union of their k-nearest-neighbour graphs, minus the diagonal (see {@link sosAdjacency}).
 *
 * Shapes: anchors, positives `[N, D]` float32, rows L2-normalised, N >= 2 -> scalar.
 * Ties in the kNN selection go to the lower index (stable argsort; the reference's default argsort
 * leaves them unspecified). The adjacency carries no gradient, as in the reference.
 */
export function sosRegulariser(anchors: tf.Tensor2D, positives: tf.Tensor2D, options?: Partial<SosOptions>): tf.Scalar {
  const o = resolveOptions('sos', SOS_DEFAULTS, options);
  checkPositiveInt(o.k, 'k', 'sos');
  checkReduction(o.reduction, 'sos');
  checkPairs(anchors, positives, 'sos');
  return tf.tidy(() => reduce(sosTerms(pairDistances(anchors, positives), o.k, o.crossGraph), o.reduction));
}

export interface SosNetOptions extends SosOptions {
  /** First-order triplet margin (SOSNet paper: 1). */
  margin: number;
  /** Weight of the SOS term (the reference adds it with weight 1). */
  sosWeight: number;
}

export const SOSNET_DEFAULTS: SosNetOptions = { margin: 1.0, k: 8, crossGraph: false, reduction: 'sum', sosWeight: 1.0 };

/**
 * SOSNet's loss, as yuruntian/HyNet `train.py` `Loss_SOSNet`: a HardNet-style first-order term
 * with the hardest negative over four blocks, squared, plus the SOS regulariser.
 *
 * `neg_i = min(min(LR[i, a], L[i, b]), min(LR[c, i], R[d, i]))`, each block's index the arg-min of
 * its mining copy (diagonal and `<= 0.008` get +2), the value taken from the true distances;
 * `FOS = sum_i max(0, margin + LR_ii - neg_i)^2`; loss = `FOS + sosWeight * R_SOS`.
 *
 * Shapes: anchors, positives `[N, D]` float32, rows L2-normalised, N >= 2 -> scalar.
 * Ties: arg-min takes the lowest index; `torch.min(a, b)` ties split the gradient in half, nested
 * as in the reference. Reduction: `sum` (reference code) or `mean` (the paper's 1/N), applied to
 * both terms.
 */
export function sosnetLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, options?: Partial<SosNetOptions>): tf.Scalar {
  const o = resolveOptions('sosnet', SOSNET_DEFAULTS, options);
  checkFinite(o.margin, 'margin', 'sosnet');
  checkFinite(o.sosWeight, 'sosWeight', 'sosnet');
  checkPositiveInt(o.k, 'k', 'sosnet');
  checkReduction(o.reduction, 'sosnet');
  checkPairs(anchors, positives, 'sosnet');
  return tf.tidy(() => {
    const d = pairDistances(anchors, positives);
    const negL = minimumSplitTies(pickMasked(d.LR, argMinMask(d.minedLR, 1), 1), pickMasked(d.L, argMinMask(d.minedL, 1), 1));
    const negR = minimumSplitTies(pickMasked(d.LR, argMinMask(d.minedLR, 0), 0), pickMasked(d.R, argMinMask(d.minedR, 0), 0));
    const neg = minimumSplitTies(negL, negR);
    const fos = tf.square(tf.clipByValue(tf.sub(tf.add(o.margin, diagonal(d.LR)), neg), 0, Infinity));
    const sos = sosTerms(d, o.k, o.crossGraph);
    return tf.add(reduce(fos, o.reduction), tf.mul(o.sosWeight, reduce(sos, o.reduction))) as tf.Scalar;
  });
}
