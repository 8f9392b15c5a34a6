import * as tf from '@tensorflow/tfjs-core';

/**
 * `x [N, in] . w [in, out]` whose gradients use explicit transposes and plain matMuls
 * (dx = dy . w^T, dw = x^T . dy). tfjs-wasm's BatchMatMul with transposeA / transposeB (what the
 * built-in MatMul gradient calls) ran about 10x slower here than Transpose + MatMul.
 */
export const denseMatMul: (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D = tf.customGrad((...args) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Swap the last two axes of a rank-4 tensor. */
const swapLast = (t: tf.Tensor4D): tf.Tensor4D => tf.transpose(t, [0, 1, 3, 2]);

/** Batched `a [B, H, m, k] . b [B, H, k, n]` with the same explicit-transpose gradients as {@link denseMatMul}. */
export const denseBatchMatMul: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D = tf.customGrad((...args) => {
  const [a, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as [tf.Tensor4D, tf.Tensor4D];
      return [tf.matMul(dy as tf.Tensor4D, swapLast(bs)), tf.matMul(swapLast(as), dy as tf.Tensor4D)];
    },
  };
}) as (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D;
