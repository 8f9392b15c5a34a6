import * as tf from '@tensorflow/tfjs-core';

/**
 * `|x|` whose gradient is `sign(x)` (0 at 0), as PyTorch's `abs`; tfjs's own `abs` gradient is
 * -1 at 0, which matters where two identical unit descriptors give `1 - x.y = 0` exactly.
 */
export const absTorch = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.abs(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0] as tf.Tensor)),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * HardNet's distance matrix (DagnyT/hardnet `code/Losses.py`, `distance_matrix_vector`):
 * `D_ij = sqrt(|a_i|^2 + |p_j|^2 - 2 a_i.p_j + 1e-6)`. No unit-norm assumption and no `abs`.
 *
 * Shapes: a `[N, D]`, p `[M, D]` -> `[N, M]`.
 */
export function hardnetDistanceMatrix(a: tf.Tensor2D, p: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const a2 = tf.sum(tf.square(a), 1, true); // [N, 1]
    const p2 = tf.reshape(tf.sum(tf.square(p), 1), [1, -1]); // [1, M]
    const dot = tf.matMul(a, p, false, true);
    return tf.sqrt(tf.add(tf.sub(tf.add(a2, p2), tf.mul(2, dot)), 1e-6)) as tf.Tensor2D;
  });
}

/**
 * Distance between unit-norm descriptors as in HyNet's `utils.py` (`cal_l2_distance_matrix`), also
 * used by its SOSNet loss: `D_ij = sqrt(|2 (1 - x_i.y_j)| + 1e-6)`. Rows must be L2-normalised.
 *
 * Shapes: x `[N, D]`, y `[M, D]` -> `[N, M]`. `dot` (x y^T) may be passed when already computed.
 */
export function unitDistanceMatrix(x: tf.Tensor2D, y: tf.Tensor2D, dot?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const s = dot ?? tf.matMul(x, y, false, true);
    return tf.sqrt(tf.add(absTorch(tf.mul(2, tf.sub(1, s))), 1e-6)) as tf.Tensor2D;
  });
}

/** Row-wise L2 normalisation as `torch.nn.functional.normalize(x, dim=-1)`: `x / max(|x|, 1e-12)`. */
export function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(x), -1, true));
    return tf.div(x, tf.maximum(norm, 1e-12));
  });
}
