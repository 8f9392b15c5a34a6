import * as tf from '@tensorflow/tfjs-core';
import { checkFinite, resolveOptions } from './checks';
import { parseTuples, rowsWithLabel, type TupleLayout } from './tuples';

/** Query, positive and negative rows of each (query, negative) pairing: `[Q*(S-2), D]` each. */
function triplets(x: tf.Tensor2D, layout: TupleLayout): { xa: tf.Tensor2D; xp: tf.Tensor2D; xn: tf.Tensor2D } {
  const negPerTuple = layout.size - 2;
  const repeat = (rows: number[]): number[] => rows.flatMap((r) => Array<number>(negPerTuple).fill(r));
  const gather = (rows: number[]): tf.Tensor2D => tf.gather(x, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
  return {
    xa: gather(repeat(rowsWithLabel(layout, -1))),
    xp: gather(repeat(rowsWithLabel(layout, 1))),
    xn: gather(rowsWithLabel(layout, 0)),
  };
}

function sqDist(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.square(tf.sub(a, b)), 1) as tf.Tensor1D;
}

/**
 * SOLAR's triplet loss for global descriptors (tonyngjichun/SOLAR
 * `solar_global/layers/functional.py`, `triplet_loss`): squared distances,
 * `sum_{q,n} max(0, |a - p|^2 - |a - n|^2 + margin) / Q`. (cnnimageretrieval-pytorch's version
 * has no `/ Q`.) Margin: SOLAR trains with 1.25.
 *
 * Shapes: descriptors `[Q*S, D]` float32 rows in tuple layout (see {@link parseTuples}), labels
 * `[Q*S]` in {-1, 1, 0}, one positive per tuple -> scalar. `max(0, .)` passes the gradient at 0.
 */
export function solarTripletLoss(
  descriptors: tf.Tensor2D,
  labels: ArrayLike<number> | tf.Tensor,
  options?: Partial<{ margin: number }>,
): tf.Scalar {
  const o = resolveOptions('solar-triplet', { margin: 1.25 }, options);
  checkFinite(o.margin, 'margin', 'solar-triplet');
  const layout = parseTuples(descriptors, labels, 'solar-triplet', true);
  return tf.tidy(() => {
    const { xa, xp, xn } = triplets(descriptors, layout);
    const per = tf.clipByValue(tf.add(tf.sub(sqDist(xa, xp), sqDist(xa, xn)), o.margin), 0, Infinity);
    return tf.div(tf.sum(per), layout.nq) as tf.Scalar;
  });
}

/**
 * SOLAR's global second-order loss (`functional.py`, `sos_loss`):
 * `sqrt(sum_{q,n} (|a - n|^2 - |p - n|^2)^2) / Q` -- one square root over the whole batch.
 * Shapes as {@link solarTripletLoss}.
 */
export function solarSecondOrderLoss(descriptors: tf.Tensor2D, labels: ArrayLike<number> | tf.Tensor, options?: Partial<object>): tf.Scalar {
  resolveOptions('solar-sos', {}, options);
  const layout = parseTuples(descriptors, labels, 'solar-sos', true);
  return tf.tidy(() => {
    const { xa, xp, xn } = triplets(descriptors, layout);
    const diff = tf.sub(sqDist(xa, xn), sqDist(xp, xn));
    return tf.div(tf.sqrt(tf.sum(tf.square(diff))), layout.nq) as tf.Scalar;
  });
}

export interface SolarOptions {
  /** Triplet margin (SOLAR: 1.25). */
  margin: number;
  /** Weight of the second-order term (SOLAR README: 10; train.py's argparse default is 5). */
  lambda: number;
}

export const SOLAR_DEFAULTS: SolarOptions = { margin: 1.25, lambda: 10 };

/**
 * SOLAR's training loss for global descriptors (`examples/train.py` with `--loss triplet --sos`):
 * `solarTripletLoss + lambda * solarSecondOrderLoss`. Shapes as {@link solarTripletLoss}.
 */
export function solarLoss(descriptors: tf.Tensor2D, labels: ArrayLike<number> | tf.Tensor, options?: Partial<SolarOptions>): tf.Scalar {
  const o = resolveOptions('solar', SOLAR_DEFAULTS, options);
  checkFinite(o.lambda, 'lambda', 'solar');
  return tf.tidy(
    () => tf.add(solarTripletLoss(descriptors, labels, { margin: o.margin }), tf.mul(o.lambda, solarSecondOrderLoss(descriptors, labels))) as tf.Scalar,
  );
}
