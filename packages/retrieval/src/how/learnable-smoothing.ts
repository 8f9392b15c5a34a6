import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';

/**
 * The slides' learnable smoothing (replaces HOW's 3x3 average pooling of the local features):
 * a Gaussian kernel over the size x size neighbourhood with a learnable bandwidth sigma = exp(rho)
 * and a learnable self-confidence c = sigmoid(theta) as the centre weight,
 *   w(dy, dx) = exp(-(dy^2 + dx^2) / (2 sigma^2)) off the centre,  w(0, 0) = c,
 * applied per channel as a normalised convolution over the positions inside the map:
 *   y(p) = sum_q w(q - p) x(q) / max(sum_q w(q - p), 1e-12).
 * sigma -> 0 with c > 0 keeps x (identity); w = 1 everywhere (sigma -> inf, c = 1) is average
 * pooling with count_include_pad=False, HOW's smoothing. c < 1 lets a location discount itself
 * (the slides' rejection of an outlier centre). The slides give no formula; this is the reading.
 */
export const SMOOTHING_SIZES = [3, 5, 7] as const;

export interface SmoothingParams {
  /** rho, sigma = exp(rho). */
  logBandwidth: tf.Scalar;
  /** theta, c = sigmoid(theta). */
  confidenceLogit: tf.Scalar;
}

/** The initial parameters: sigma = 1, c = 0.5 (an untrained filter close to a soft 3x3 average). */
export function initSmoothingParams(): { logBandwidth: tf.Variable<tf.Rank.R0>; confidenceLogit: tf.Variable<tf.Rank.R0> } {
  return { logBandwidth: tf.variable(tf.scalar(0)), confidenceLogit: tf.variable(tf.scalar(0)) };
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new InputError(`smoothing kernel size must be an odd positive integer (3, 5, 7), got ${size}`);
}

/** The kernel weights `[size, size]` (unnormalised). */
export function smoothingKernel(size: number, p: SmoothingParams): tf.Tensor2D {
  checkSize(size);
  return tf.tidy(() => {
    const r = (size - 1) / 2;
    const d2 = new Float32Array(size * size);
    const centre = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) d2[y * size + x] = (y - r) ** 2 + (x - r) ** 2;
    centre[r * size + r] = 1;
    const c = tf.tensor2d(centre, [size, size]);
    const sigma = tf.exp(p.logBandwidth);
    const g = tf.exp(tf.div(tf.neg(tf.tensor2d(d2, [size, size])), tf.mul(2, tf.square(sigma))));
    return tf.add(tf.mul(g, tf.sub(1, c)), tf.mul(tf.sigmoid(p.confidenceLogit), c)) as tf.Tensor2D;
  });
}

/**
 * One `[size, size]` kernel over every channel: channels moved to the batch axis and a plain
 * conv2d (its gradients exist on every tfjs backend, the depthwise ones not on wasm).
 */
function convPerChannel(x: tf.Tensor4D, k: tf.Tensor2D, size: number): tf.Tensor4D {
  const [b, h, w, ch] = x.shape;
  const xc = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [b * ch, h, w, 1]) as tf.Tensor4D;
  const y = tf.conv2d(xc, tf.reshape(k, [size, size, 1, 1]) as tf.Tensor4D, 1, 'same');
  return tf.transpose(tf.reshape(y, [b, ch, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
}

/** Sum of the kernel weights over the in-map positions, `[1, H, W, 1]`. */
function kernelMass(h: number, w: number, k: tf.Tensor2D, size: number): tf.Tensor4D {
  return tf.conv2d(tf.ones([1, h, w, 1]) as tf.Tensor4D, tf.reshape(k, [size, size, 1, 1]) as tf.Tensor4D, 1, 'same');
}

/** Smooth local features `[B, H, W, C]` with the learnable kernel; same shape out. */
export function learnableSmoothing(x: tf.Tensor4D, size: number, p: SmoothingParams): tf.Tensor4D {
  checkSize(size);
  return tf.tidy(() => {
    const k = smoothingKernel(size, p);
    return tf.div(convPerChannel(x, k, size), tf.maximum(kernelMass(x.shape[1], x.shape[2], k, size), 1e-12)) as tf.Tensor4D;
  });
}

/** HOW's smoothing: size x size average pooling, stride 1, padding size // 2, count_include_pad=False. */
export function averageSmoothing(x: tf.Tensor4D, size = 3): tf.Tensor4D {
  checkSize(size);
  return tf.tidy(() => {
    const k = tf.ones([size, size]) as tf.Tensor2D;
    return tf.div(convPerChannel(x, k, size), kernelMass(x.shape[1], x.shape[2], k, size)) as tf.Tensor4D;
  });
}
