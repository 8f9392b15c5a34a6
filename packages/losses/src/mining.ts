import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `f` off the gradient tape: its ops are not recorded and the result carries a zero gradient
 * to `inputs`. Used for everything the reference code computes on detached values or with ops that
 * have no gradient (comparisons, masks, arg-min, top-k, adjacency graphs).
 */
export function noGrad(inputs: tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor): tf.Tensor {
  const g = tf.customGrad((...args: unknown[]) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: f(...xs),
      gradFunc: () => xs.map((x) => tf.zerosLike(x)),
    };
  }) as (...xs: tf.Tensor[]) => tf.Tensor;
  return g(...inputs);
}

/**
 * One-hot mask `[N, M]` of the minimum of each row (`axis = 1`) or column (`axis = 0`) of a
 * detached copy of `m`. Ties go to the lowest index, as `torch.min(x, dim)` and a stable
 * `torch.argsort` (checked against PyTorch in the tests).
 */
export function argMinMask(m: tf.Tensor2D, axis: 0 | 1): tf.Tensor2D {
  return noGrad([m], (x) => {
    const [n, cols] = x.shape as [number, number];
    const idx = tf.argMin(x, axis);
    const hot = tf.oneHot(idx, axis === 1 ? cols : n, 1, 0, 'float32');
    return axis === 1 ? hot : tf.transpose(hot);
  }) as tf.Tensor2D;
}

/**
 * The entries of `m` selected by a one-hot `mask`, reduced along `axis` (`[N, M]` -> `[N]` for
 * rows, `[M]` for columns). Multiplying by the mask returns the selected value exactly and sends
 * the gradient to it alone (tfjs's gather would put the indices on the tape).
 */
export function pickMasked(m: tf.Tensor, mask: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(m, mask), axis));
}

/** The diagonal of a square `[N, N]` matrix, with gradient. */
export function diagonal(m: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => pickMasked(m, tf.eye(m.shape[0]), 1) as tf.Tensor1D);
}

/**
 * Elementwise minimum with PyTorch's tie rule for `torch.min(a, b)`: on a tie each side gets half
 * of the gradient (tfjs's `minimum` gives all of it to `a`). The value is exactly `min(a, b)`.
 */
export function minimumSplitTies(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const wa = noGrad([a, b], (x, y) => tf.add(tf.cast(tf.less(x, y), 'float32'), tf.mul(0.5, tf.cast(tf.equal(x, y), 'float32'))));
    const wb = noGrad([wa], (w) => tf.sub(1, w));
    return tf.add(tf.mul(wa, a), tf.mul(wb, b));
  });
}

/**
 * `m + add * I`, then `+ add` wherever the result is below (`strict`) or at most the threshold:
 * HardNet adds 10 on the diagonal and where `d < 0.008`; HyNet adds 2 where `d <= 0.008`.
 * Returns only the additive mask `[N, N]`, computed off the tape.
 */
export function falseNegativeMask(m: tf.Tensor2D, add: number, threshold: number, strict: boolean): tf.Tensor2D {
  return noGrad([m], (x) => {
    const n = x.shape[0] as number;
    const diag = tf.mul(tf.eye(n), add);
    const withDiag = tf.add(x, diag);
    const below = strict ? tf.less(withDiag, threshold) : tf.lessEqual(withDiag, threshold);
    return tf.add(diag, tf.mul(tf.cast(below, 'float32'), add));
  }) as tf.Tensor2D;
}
