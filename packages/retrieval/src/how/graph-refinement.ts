import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';

/**
 * The slides' graph-based refinement: a GCN over one image's local features whose edges are the
 * features' similarities, producing a weight per location that re-weights the features before
 * attention and top-k selection (so selection and HOW's weighted sum see the semantic context).
 *   X `[N, C]`, Xn = X / max(||X||, 1e-6), A = relu(Xn Xn^T) (self loops included, weight 1),
 *   A_hat = A / rowsum(A),
 *   H1 = relu(A_hat X W0 + b0), H2 = relu(A_hat H1 W1 + b1),
 *   weight = 2 sigmoid(H2 v + bv), X' = weight * X.
 * v = 0 and bv = 0 at initialisation: the refinement starts as the identity (plain HOW).
 * The slides give no formula; this is the reading (two GCN blocks, as their figure).
 */
export interface GcnParams {
  w0: tf.Tensor2D;
  b0: tf.Tensor1D;
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  v: tf.Tensor2D;
  bv: tf.Tensor1D;
}

export const GCN_NORM_EPS = 1e-6;

/** Seeded initialisation (uniform +-1/sqrt(fan_in) as torch.nn.Linear; v, bv zero). */
export function initGcnParams(channels: number, hidden: number, seed: number): { [K in keyof GcnParams]: tf.Variable } {
  const rng = new SeededRng(seed);
  const u = (n: number, fan: number): Float32Array => Float32Array.from({ length: n }, () => (2 * rng.float() - 1) / Math.sqrt(fan));
  return {
    w0: tf.variable(tf.tensor2d(u(channels * hidden, channels), [channels, hidden])),
    b0: tf.variable(tf.tensor1d(u(hidden, channels))),
    w1: tf.variable(tf.tensor2d(u(hidden * hidden, hidden), [hidden, hidden])),
    b1: tf.variable(tf.tensor1d(u(hidden, hidden))),
    v: tf.variable(tf.zeros([hidden, 1])),
    bv: tf.variable(tf.zeros([1])),
  };
}

/** The similarity graph, row-normalised `[N, N]`. */
export function similarityGraph(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const xn = tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), GCN_NORM_EPS));
    const a = tf.relu(tf.matMul(xn, xn, false, true));
    return tf.div(a, tf.sum(a, 1, true)) as tf.Tensor2D;
  });
}

/** Per-location weights `[N, 1]` in (0, 2). */
export function gcnWeights(x: tf.Tensor2D, p: GcnParams): tf.Tensor2D {
  return tf.tidy(() => {
    const a = similarityGraph(x);
    const h1 = tf.relu(tf.add(tf.matMul(tf.matMul(a, x), p.w0), p.b0));
    const h2 = tf.relu(tf.add(tf.matMul(tf.matMul(a, h1), p.w1), p.b1));
    return tf.mul(2, tf.sigmoid(tf.add(tf.matMul(h2, p.v), p.bv))) as tf.Tensor2D;
  });
}

/** Re-weighted local features `[N, C]`. */
export function graphRefinement(x: tf.Tensor2D, p: GcnParams): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, gcnWeights(x, p)) as tf.Tensor2D);
}
