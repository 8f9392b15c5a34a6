import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { checkFinite, checkPairs, checkPositiveInt, checkReduction, reduce, resolveOptions, type Reduction } from './checks';
import { argMinMask, diagonal, noGrad, pickMasked } from './mining';
import { pairDistances, sosTerms, type PairDistances } from './sos';

/**
 * `gamma * sum_i (||x_i|| - ||x_i^+||)^2` on raw (before L2 normalisation) descriptors, with
 * `||x|| = sqrt(sum x^2 + 1e-6)`: HyNet's L2-norm regulariser (paper eq. 5; `train.py`
 * `norm_loss_pos`, where the sum and gamma = 0.1 are written out).
 *
 * Shapes: rawAnchors, rawPositives `[N, D]` float32 -> scalar.
 */
export function l2NormRegulariser(
  rawAnchors: tf.Tensor2D,
  rawPositives: tf.Tensor2D,
  options?: Partial<{ gamma: number; reduction: Reduction }>,
): tf.Scalar {
  const o = resolveOptions('l2-norm', { gamma: 0.1, reduction: 'sum' as Reduction }, options);
  checkFinite(o.gamma, 'gamma', 'l2-norm');
  checkReduction(o.reduction, 'l2-norm');
  checkPairs(rawAnchors, rawPositives, 'l2-norm', ['rawAnchors', 'rawPositives'], 1);
  return tf.tidy(() => tf.mul(o.gamma, reduce(normTerms(rawAnchors, rawPositives), o.reduction)) as tf.Scalar);
}

function normTerms(ra: tf.Tensor2D, rp: tf.Tensor2D): tf.Tensor1D {
  const na = tf.sqrt(tf.add(tf.sum(tf.square(ra), 1), 1e-6));
  const np = tf.sqrt(tf.add(tf.sum(tf.square(rp), 1), 1e-6));
  return tf.square(tf.sub(na, np)) as tf.Tensor1D;
}

/** The hardest negative of each pair, as distance `d` and inner product `s` of the winning entry. */
interface Hardest {
  dPos: tf.Tensor1D;
  sPos: tf.Tensor1D;
  dNeg: tf.Tensor1D;
  sNeg: tf.Tensor1D;
}

/**
 * HyNet's mining (`train.py`, `sort_distance` + `triplet_loss_hybrid`): for pair i, four candidates
 * -- the nearest other anchor to anchor i (row of L), the nearest other positive to positive i
 * (column of R), the nearest positive to anchor i (row of LR) and the nearest anchor to positive i
 * (column of LR) -- each chosen on the mining copy (diagonal and `<= 0.008` + 2), its value taken
 * from the true matrix; the hardest of the four is the first after a stable sort, so ties go to
 * the earlier of (L, R, LR row, LR column). Every measure is monotone in d, so the same entry is
 * the hardest negative for s, d and s_H alike.
 */
function hardest(d: PairDistances): Hardest {
  const masks = [argMinMask(d.minedL, 1), argMinMask(d.minedR, 0), argMinMask(d.minedLR, 1), argMinMask(d.minedLR, 0)];
  const axes = [1, 0, 1, 0];
  const dCand = tf.stack([d.L, d.R, d.LR, d.LR].map((m, i) => pickMasked(m, masks[i] as tf.Tensor, axes[i] as number))); // [4, N]
  const sCand = tf.stack([d.SL, d.SR, d.SLR, d.SLR].map((m, i) => pickMasked(m, masks[i] as tf.Tensor, axes[i] as number)));
  const win = argMinMask(tf.transpose(dCand) as tf.Tensor2D, 1); // [N, 4]
  const winT = noGrad([win], (w) => tf.transpose(w)); // [4, N]
  return {
    dPos: diagonal(d.LR),
    sPos: diagonal(d.SLR),
    dNeg: pickMasked(dCand, winT, 0) as tf.Tensor1D,
    sNeg: pickMasked(sCand, winT, 0) as tf.Tensor1D,
  };
}

function hinge(x: tf.Tensor): tf.Tensor {
  return tf.clipByValue(x, 0, Infinity);
}

/** Options shared by every member of the HyNet family. */
export interface HyNetCommonOptions {
  /** Weight of the L2-norm regulariser on the raw descriptors (paper: 0.1); 0 disables it. */
  gamma: number;
  /** `sum` as HyNet's train.py (default), `mean` as the paper's 1/N; applies to every term. */
  reduction: Reduction;
}

export interface HyNetOptions extends HyNetCommonOptions {
  /** Triplet margin m (paper and train.py: 1.2). */
  margin: number;
  /** Balance alpha in s_H(d) = d + alpha/2 d^2 (paper: 2). */
  alpha: number;
  /** Add the SOS regulariser (train.py `--is_sosr`, default false). */
  sos: boolean;
  /** Neighbours of the SOS regulariser. */
  k: number;
  /** SOS graph with the anchor-positive kNN graph, as train.py's `sos_loss` (default true here, since it is that code's). */
  crossGraph: boolean;
}

export const HYNET_DEFAULTS: HyNetOptions = {
  margin: 1.2,
  alpha: 2,
  gamma: 0.1,
  reduction: 'sum',
  sos: false,
  k: 8,
  crossGraph: true,
};

type Inputs4 = [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined, tf.Tensor2D | undefined];

function prepare(loss: string, [a, p, ra, rp]: Inputs4, gamma: number): void {
  checkPairs(a, p, loss);
  if (gamma !== 0) {
    if (ra === undefined || rp === undefined) {
      throw new InputError(`${loss}: rawAnchors and rawPositives are needed when gamma != 0`, { at: 'rawAnchors' });
    }
    checkPairs(ra, rp, loss, ['rawAnchors', 'rawPositives']);
    if (ra.shape[0] !== a.shape[0]) {
      throw new InputError(`${loss}: rawAnchors has ${ra.shape[0]} rows, anchors ${a.shape[0]}`, { at: 'rawAnchors' });
    }
  }
}

function withRegulariser(loss: tf.Tensor, inputs: Inputs4, o: HyNetCommonOptions): tf.Scalar {
  if (o.gamma === 0) return loss as tf.Scalar;
  const reg = reduce(normTerms(inputs[2] as tf.Tensor2D, inputs[3] as tf.Tensor2D), o.reduction);
  return tf.add(loss, tf.mul(o.gamma, reg)) as tf.Scalar;
}

/**
 * HyNet's loss (paper eq. 6-7; yuruntian/HyNet `train.py` `Loss_HyNet`): triplet loss with the
 * hybrid similarity `s_H(d) = d + alpha/2 d^2` (= alpha (1 - s) + d for unit vectors, the paper's
 * 1/Z folded into the margin) on the hardest in-batch negative, plus `gamma` times the L2-norm
 * regulariser of the raw descriptors, plus optionally the SOS regulariser:
 *
 * `L = sum_i max(0, m + s_H(d(a_i, p_i)) - s_H(d_neg_i)) + gamma sum_i (||ra_i|| - ||rp_i||)^2 [+ R_SOS]`
 * with `d = sqrt(|2 (1 - x.y)| + 1e-6)`.
 *
 * Shapes: anchors, positives `[N, D]` float32, L2-normalised; rawAnchors, rawPositives `[N, D']`
 * (needed unless gamma = 0); N >= 2 -> scalar. `max(0, .)` passes the gradient at 0
 * (`torch.clamp`). Mining: per pair the hardest of four candidates (nearest other anchor, nearest
 * other positive, nearest positive to the anchor, nearest anchor to the positive), chosen on
 * copies with the diagonal and distances `<= 0.008` raised by 2. Ties: the lowest index within a
 * block; among equal candidates the first of (anchor row, positive column, anchor-positive row,
 * anchor-positive column), as train.py's stable sort over the stacked four.
 */
export function hynetLoss(
  anchors: tf.Tensor2D,
  positives: tf.Tensor2D,
  rawAnchors?: tf.Tensor2D,
  rawPositives?: tf.Tensor2D,
  options?: Partial<HyNetOptions>,
): tf.Scalar {
  const o = resolveOptions('hynet', HYNET_DEFAULTS, options);
  for (const key of ['margin', 'alpha', 'gamma'] as const) checkFinite(o[key], key, 'hynet');
  checkPositiveInt(o.k, 'k', 'hynet');
  checkReduction(o.reduction, 'hynet');
  const inputs: Inputs4 = [anchors, positives, rawAnchors, rawPositives];
  prepare('hynet', inputs, o.gamma);
  return tf.tidy(() => {
    const d = pairDistances(anchors, positives);
    const h = hardest(d);
    const sH = (x: tf.Tensor): tf.Tensor => tf.add(x, tf.mul(tf.div(tf.square(x), 2), o.alpha));
    let loss: tf.Tensor = reduce(hinge(tf.sub(tf.add(o.margin, sH(h.dPos)), sH(h.dNeg))), o.reduction);
    loss = withRegulariser(loss, inputs, o);
    if (o.sos) loss = tf.add(loss, reduce(sosTerms(d, o.k, o.crossGraph), o.reduction));
    return loss as tf.Scalar;
  });
}

export interface HyNetMarginOptions extends HyNetCommonOptions {
  margin: number;
}

export const HYNET_A_DEFAULTS: HyNetMarginOptions = { margin: 1.0, gamma: 0.1, reduction: 'sum' };

/**
 * The HyNet paper's alternative L_A (eq. 9, m_A = 1.0): inner product for the positive, L2
 * distance for the negative, `sum_i max(0, m_A + (1 - s(a_i, p_i)) - d_neg_i)`, same mining and
 * the same L2-norm regulariser as {@link hynetLoss}. Convention: eq. 9 writes `s(theta)`; it is
 * read as the dissimilarity `1 - s` (as inside s_H = alpha (1 - s) + d), since the literal cosine
 * would reward dissimilar positives. Shapes as {@link hynetLoss}.
 */
export function hynetLossA(
  anchors: tf.Tensor2D,
  positives: tf.Tensor2D,
  rawAnchors?: tf.Tensor2D,
  rawPositives?: tf.Tensor2D,
  options?: Partial<HyNetMarginOptions>,
): tf.Scalar {
  const o = resolveOptions('hynet-a', HYNET_A_DEFAULTS, options);
  return marginVariant('hynet-a', [anchors, positives, rawAnchors, rawPositives], o, (h) =>
    hinge(tf.sub(tf.add(o.margin, tf.sub(1, h.sPos)), h.dNeg)),
  );
}

export interface HyNetBOptions extends HyNetCommonOptions {
  /** Weight of the inner-product triplet (paper: 2). */
  alpha: number;
  /** Margin of the inner-product triplet m_B1 (paper: 0.9). */
  marginS: number;
  /** Margin of the L2 triplet m_B2 (paper: 1.2). */
  marginD: number;
}

export const HYNET_B_DEFAULTS: HyNetBOptions = { alpha: 2, marginS: 0.9, marginD: 1.2, gamma: 0.1, reduction: 'sum' };

/**
 * The HyNet paper's alternative L_B (eq. 9): two stacked triplet losses on the same hardest
 * negative, `sum_i alpha max(0, m_B1 + (1 - s_pos) - (1 - s_neg)) + max(0, m_B2 + d_pos - d_neg)`
 * (alpha = 2, m_B1 = 0.9, m_B2 = 1.2), plus the L2-norm regulariser. `s` read as `1 - s` as in
 * {@link hynetLossA}. Shapes as {@link hynetLoss}.
 */
export function hynetLossB(
  anchors: tf.Tensor2D,
  positives: tf.Tensor2D,
  rawAnchors?: tf.Tensor2D,
  rawPositives?: tf.Tensor2D,
  options?: Partial<HyNetBOptions>,
): tf.Scalar {
  const o = resolveOptions('hynet-b', HYNET_B_DEFAULTS, options);
  for (const key of ['alpha', 'marginS', 'marginD'] as const) checkFinite(o[key], key, 'hynet-b');
  return marginVariant('hynet-b', [anchors, positives, rawAnchors, rawPositives], o, (h) =>
    tf.add(
      tf.mul(o.alpha, hinge(tf.sub(tf.add(o.marginS, tf.sub(1, h.sPos)), tf.sub(1, h.sNeg)))),
      hinge(tf.sub(tf.add(o.marginD, h.dPos), h.dNeg)),
    ),
  );
}

/**
 * Triplet loss with the plain inner product (HyNet Table 3, similarity row "s"):
 * `sum_i max(0, m + (1 - s_pos) - (1 - s_neg))`, HyNet's mining and L2-norm regulariser.
 * The margin is required: the paper grid-searched it and does not print the value.
 */
export function hynetTripletInnerProduct(
  anchors: tf.Tensor2D,
  positives: tf.Tensor2D,
  rawAnchors: tf.Tensor2D | undefined,
  rawPositives: tf.Tensor2D | undefined,
  options: Partial<HyNetMarginOptions> & { margin: number },
): tf.Scalar {
  const o = resolveOptions('hynet-s', { margin: Number.NaN, gamma: 0.1, reduction: 'sum' as Reduction }, options);
  return marginVariant('hynet-s', [anchors, positives, rawAnchors, rawPositives], o, (h) =>
    hinge(tf.sub(tf.add(o.margin, tf.sub(1, h.sPos)), tf.sub(1, h.sNeg))),
  );
}

/**
 * Triplet loss with the L2 distance (HyNet Table 3, similarity row "d"):
 * `sum_i max(0, m + d_pos - d_neg)`, HyNet's mining and L2-norm regulariser. Margin required (not
 * printed in the paper).
 */
export function hynetTripletL2(
  anchors: tf.Tensor2D,
  positives: tf.Tensor2D,
  rawAnchors: tf.Tensor2D | undefined,
  rawPositives: tf.Tensor2D | undefined,
  options: Partial<HyNetMarginOptions> & { margin: number },
): tf.Scalar {
  const o = resolveOptions('hynet-d', { margin: Number.NaN, gamma: 0.1, reduction: 'sum' as Reduction }, options);
  return marginVariant('hynet-d', [anchors, positives, rawAnchors, rawPositives], o, (h) =>
    hinge(tf.sub(tf.add(o.margin, h.dPos), h.dNeg)),
  );
}

function marginVariant(
  loss: string,
  inputs: Inputs4,
  o: HyNetCommonOptions & { margin?: number },
  perPair: (h: Hardest) => tf.Tensor,
): tf.Scalar {
  if (o.margin !== undefined && Number.isNaN(o.margin)) {
    throw new InputError(`${loss}: option margin is required (the paper grid-searched it and prints no value)`, { at: 'margin' });
  }
  if (o.margin !== undefined) checkFinite(o.margin, 'margin', loss);
  checkFinite(o.gamma, 'gamma', loss);
  checkReduction(o.reduction, loss);
  prepare(loss, inputs, o.gamma);
  return tf.tidy(() => {
    const h = hardest(pairDistances(inputs[0], inputs[1]));
    return withRegulariser(reduce(perPair(h), o.reduction), inputs, o);
  });
}
