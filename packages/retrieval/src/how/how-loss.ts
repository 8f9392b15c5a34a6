import * as tf from '@tensorflow/tfjs-core';

/**
 * HOW's training loss: the contrastive loss (cirtorch's ContrastiveLoss) on a tuple of L2-normalised
 * global descriptors (query, positive, negatives):
 *   0.5 ||q - p||^2 + sum_n 0.5 max(0, margin - ||q - n||)^2.
 */
export const HOW_MARGIN = 0.8;

export function howContrastiveLoss(q: tf.Tensor1D, p: tf.Tensor1D, negatives: tf.Tensor1D[], margin = HOW_MARGIN): tf.Scalar {
  return tf.tidy(() => {
    let loss = tf.mul(0.5, tf.sum(tf.square(tf.sub(q, p)))) as tf.Scalar;
    for (const n of negatives) {
      const d = tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(q, n))), 1e-12));
      loss = tf.add(loss, tf.mul(0.5, tf.square(tf.relu(tf.sub(margin, d))))) as tf.Scalar;
    }
    return loss;
  });
}
