import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize, unitDistanceMatrix } from '@descbench/losses';

/**
 * Gradient magnitudes of the similarity measures of HyNet Sec. 2-3 against the angle theta between
 * two L2-normalised descriptors, by automatic differentiation through the losses package's
 * primitives (`l2Normalize`, `unitDistanceMatrix`): for x = (1, 0) and y = (cos theta, sin theta),
 * the norm of the gradient with respect to x (before normalisation) of
 *
 * - `s = x.y` (inner product): g_s = |sin theta|;
 * - `d = sqrt(|2 (1 - s)| + 1e-6)` (HyNet's L2 distance): g_d ~ |sin theta| / sqrt(2 (1 - cos theta));
 * - `s_H = (alpha (1 - s) + d) / Z` (eq. 6): g_H, with Z the maximum of the unnormalised
 *   magnitude over the given thetas, so that the maximum is 1 (the paper: "Z ... ensuring the
 *   gradient has the maximum magnitude of 1"); alpha = Infinity gives g_s, alpha = 0 gives g_d.
 */
export interface GradientCurve {
  measure: string;
  theta: number[];
  magnitude: number[];
}

function gradNorm(f: (x: tf.Tensor2D) => tf.Tensor): number {
  return tf.tidy(() => {
    const x = tf.tensor2d([[1, 0]]);
    const g = tf.grad((v: tf.Tensor) => f(v as tf.Tensor2D).sum())(x);
    return Math.sqrt(g.square().sum().dataSync()[0] as number);
  });
}

function measures(theta: number): { s: (x: tf.Tensor2D) => tf.Tensor; d: (x: tf.Tensor2D) => tf.Tensor } {
  const y = (): tf.Tensor2D => tf.tensor2d([[Math.cos(theta), Math.sin(theta)]]);
  return {
    s: (x) => tf.matMul(l2Normalize(x) as tf.Tensor2D, l2Normalize(y()) as tf.Tensor2D, false, true),
    d: (x) => unitDistanceMatrix(l2Normalize(x) as tf.Tensor2D, l2Normalize(y()) as tf.Tensor2D),
  };
}

/** Evenly spaced angles from `from` to `to` (inclusive), `n` of them. */
export function thetaGrid(n: number, from = 0, to = Math.PI / 2): number[] {
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
}

/** g_s and g_d over `thetas` (Fig. 2(b)). */
export function similarityGradients(thetas: readonly number[]): GradientCurve[] {
  const gs = thetas.map((t) => gradNorm(measures(t).s));
  const gd = thetas.map((t) => gradNorm(measures(t).d));
  return [
    { measure: 'g_s (inner product)', theta: [...thetas], magnitude: gs },
    { measure: 'g_d (L2 distance)', theta: [...thetas], magnitude: gd },
  ];
}

/** g_H over `thetas` for each alpha (Fig. 5(b)); Infinity and 0 give the normalised g_s and g_d. */
export function hybridGradients(thetas: readonly number[], alphas: readonly number[]): GradientCurve[] {
  return alphas.map((alpha) => {
    const raw = thetas.map((t) => {
      const m = measures(t);
      if (alpha === Infinity) return gradNorm(m.s);
      return gradNorm((x) => tf.add(tf.mul(alpha, tf.sub(1, m.s(x))), m.d(x)));
    });
    const z = Math.max(...raw);
    return { measure: `g_H, alpha = ${alpha === Infinity ? '+inf' : alpha}`, theta: [...thetas], magnitude: raw.map((v) => v / z) };
  });
}
