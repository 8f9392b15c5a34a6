import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { checkFinite, checkPairs, resolveOptions } from './checks';
import { minimumSplitTies } from './mining';

export interface TFeatOptions {
  /** Triplet margin (TFeat: 1.0). */
  margin: number;
  /** TFeat's in-triplet anchor swap: the negative's distance is the smaller of d(a, n) and d(p, n). */
  anchorSwap: boolean;
}

export const TFEAT_DEFAULTS: TFeatOptions = { margin: 1.0, anchorSwap: true };

/** PyTorch's `pairwise_distance` epsilon: added to the difference before the norm. */
const PAIRWISE_EPS = 1e-6;

/** `|x - y + eps|_2` per row, as `torch.nn.functional.pairwise_distance(x, y)`. Shape `[N, D]` -> `[N]`. */
function pairwiseDistance(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  return tf.sqrt(tf.sum(tf.square(tf.add(tf.sub(x, y), PAIRWISE_EPS)), 1)) as tf.Tensor1D;
}

/**
 * TFeat's triplet margin loss with anchor swap (Balntas et al., BMVC 2016, Sec. 3), as the authors'
 * PyTorch training calls it: `F.triplet_margin_loss(a, p, n, margin, swap=True)` (p = 2,
 * eps = 1e-6): `mean_i max(0, margin + d(a_i, p_i) - min(d(a_i, n_i), d(p_i, n_i)))` with
 * `d(x, y) = |x - y + 1e-6|_2`. The negatives are given (one per triplet), not mined.
 *
 * Shapes: anchors, positives, negatives `[N, D]` float32, N >= 1 -> scalar. Ties: `min` splits the
 * gradient in half (`torch.min(a, b)`); `max(0, .)` passes the gradient at exactly 0 (`clamp_min`).
 */
export function tfeatLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, negatives: tf.Tensor2D, options?: Partial<TFeatOptions>): tf.Scalar {
  const o = resolveOptions('tfeat', TFEAT_DEFAULTS, options);
  checkFinite(o.margin, 'margin', 'tfeat');
  checkPairs(anchors, positives, 'tfeat', ['anchors', 'positives'], 1);
  checkPairs(anchors, negatives, 'tfeat', ['anchors', 'negatives'], 1);
  if (typeof o.anchorSwap !== 'boolean') throw new InputError(`tfeat: option anchorSwap must be a boolean`, { at: 'anchorSwap' });
  return tf.tidy(() => {
    const pos = pairwiseDistance(anchors, positives);
    let neg: tf.Tensor = pairwiseDistance(anchors, negatives);
    if (o.anchorSwap) neg = minimumSplitTies(neg, pairwiseDistance(positives, negatives));
    return tf.mean(tf.clipByValue(tf.sub(tf.add(o.margin, pos), neg), 0, Infinity)) as tf.Scalar;
  });
}
