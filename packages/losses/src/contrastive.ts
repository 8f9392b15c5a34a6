import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, resolveOptions } from './checks';
import { parseTuples } from './tuples';

export interface ContrastiveOptions {
  /** Margin on the distance of negatives (cnnimageretrieval-pytorch default 0.7). */
  margin: number;
  /** Added to every coordinate difference before squaring (reference: 1e-6). */
  eps: number;
}

export const CONTRASTIVE_DEFAULTS: ContrastiveOptions = { margin: 0.7, eps: 1e-6 };

/**
 * Contrastive loss for global descriptors, as filipradenovic/cnnimageretrieval-pytorch
 * `cirtorch/layers/functional.py` `contrastive_loss` (also SOLAR's):
 * `D = sqrt(sum (q - x + eps)^2)`, loss = `sum 0.5 y D^2 + 0.5 (1 - y) max(0, margin - D)^2` over
 * every non-query image x of each tuple, y = 1 for positives and 0 for negatives. Sum, not mean.
 *
 * Shapes: descriptors `[Q*S, D]` float32 rows (the reference's columns), labels `[Q*S]` in
 * {-1, 1, 0}, each tuple starting with its query; any number of positives -> scalar.
 */
export function contrastiveLoss(
  descriptors: tf.Tensor2D,
  labels: ArrayLike<number> | tf.Tensor,
  options?: Partial<ContrastiveOptions>,
): tf.Scalar {
  const o = resolveOptions('contrastive', CONTRASTIVE_DEFAULTS, options);
  checkFinite(o.margin, 'margin', 'contrastive');
  checkFinite(o.eps, 'eps', 'contrastive');
  const layout = parseTuples(descriptors, labels, 'contrastive', false);
  const queries: number[] = [];
  const others: number[] = [];
  const y: number[] = [];
  layout.labels.forEach((v, i) => {
    if (v === -1) return;
    queries.push(Math.floor(i / layout.size) * layout.size);
    others.push(i);
    y.push(v);
  });
  return tf.tidy(() => {
    const x1 = tf.gather(descriptors, tf.tensor1d(queries, 'int32'));
    const x2 = tf.gather(descriptors, tf.tensor1d(others, 'int32'));
    const lbl = tf.tensor1d(y, 'float32');
    const d = tf.sqrt(tf.sum(tf.square(tf.add(tf.sub(x1, x2), o.eps)), 1));
    const pos = tf.mul(tf.mul(0.5, lbl), tf.square(d));
    const neg = tf.mul(tf.mul(0.5, tf.sub(1, lbl)), tf.square(tf.clipByValue(tf.sub(o.margin, d), 0, Infinity)));
    return tf.sum(tf.add(pos, neg)) as tf.Scalar;
  });
}
