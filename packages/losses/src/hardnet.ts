import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { checkFinite, checkPairs, resolveOptions } from './checks';
import { hardnetDistanceMatrix } from './distances';
import { argMinMask, diagonal, falseNegativeMask, minimumSplitTies, pickMasked } from './mining';

export type HardNetLossType = 'triplet_margin' | 'softmax' | 'contrastive';

export interface HardNetOptions {
  /** Triplet margin (HardNet.py `--margin`, default 1.0). */
  margin: number;
  /** Also take the hardest negative of each positive (column minimum); HardNet.py default true. */
  anchorSwap: boolean;
  /** `triplet_margin` (default), `softmax` or `contrastive`, as `loss_HardNet`'s `loss_type`. */
  lossType: HardNetLossType;
}

export const HARDNET_DEFAULTS: HardNetOptions = { margin: 1.0, anchorSwap: true, lossType: 'triplet_margin' };

/** Entries below this distance are treated as false negatives and masked like the diagonal. */
export const HARDNET_FALSE_NEGATIVE_DISTANCE = 0.008;

/**
 * HardNet's "hardest in batch" loss, following DagnyT/hardnet `code/Losses.py`, `loss_HardNet`
 * with `batch_reduce='min'`:
 *
 * `D = sqrt(|a_i|^2 + |p_j|^2 - 2 a_i.p_j + 1e-6) + 1e-8`; positives are `D_ii`; the mining matrix is
 * `D + 10 I`, plus 10 wherever that is still `< 0.008` (near-duplicates count as false negatives);
 * `neg_i = min_j` over row i and, with anchor swap, also over column i (the smaller of the two);
 * triplet: `mean_i max(0, margin + D_ii - neg_i)`. The masked value itself (+10) is what the min
 * returns, exactly as the reference.
 *
 * Shapes: anchors, positives `[N, D]` float32 (usually L2-normalised), N >= 2 -> scalar.
 * Ties: the row/column minimum takes the lowest index (`torch.min(x, dim)`); when the row and
 * column minima are equal the gradient is split in half (`torch.min(a, b)`); `max(0, .)` passes the
 * gradient at exactly 0 (`torch.clamp`). Reduction: mean over the N pairs.
 */
export function hardnetLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, options?: Partial<HardNetOptions>): tf.Scalar {
  const o = resolveOptions('hardnet', HARDNET_DEFAULTS, options);
  checkFinite(o.margin, 'margin', 'hardnet');
  if (!['triplet_margin', 'softmax', 'contrastive'].includes(o.lossType)) {
    throw new InputError(`hardnet: option lossType must be triplet_margin, softmax or contrastive, got "${o.lossType}"`, {
      at: 'lossType',
    });
  }
  checkPairs(anchors, positives, 'hardnet');
  return tf.tidy(() => {
    const d = tf.add(hardnetDistanceMatrix(anchors, positives), 1e-8) as tf.Tensor2D;
    const pos = diagonal(d);
    const mined = tf.add(d, falseNegativeMask(d, 10, HARDNET_FALSE_NEGATIVE_DISTANCE, true)) as tf.Tensor2D;
    let neg = pickMasked(mined, argMinMask(mined, 1), 1);
    if (o.anchorSwap) neg = minimumSplitTies(neg, pickMasked(mined, argMinMask(mined, 0), 0));
    let perPair: tf.Tensor;
    if (o.lossType === 'triplet_margin') {
      perPair = tf.clipByValue(tf.sub(tf.add(o.margin, pos), neg), 0, Infinity);
    } else if (o.lossType === 'softmax') {
      const expPos = tf.exp(tf.sub(2, pos));
      const expDen = tf.add(tf.add(expPos, tf.exp(tf.sub(2, neg))), 1e-8);
      perPair = tf.neg(tf.log(tf.div(expPos, expDen)));
    } else {
      perPair = tf.add(tf.clipByValue(tf.sub(o.margin, neg), 0, Infinity), pos);
    }
    return tf.mean(perPair) as tf.Scalar;
  });
}
