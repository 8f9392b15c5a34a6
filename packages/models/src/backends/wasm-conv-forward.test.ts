import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmTrainingKernels } from './wasm-training-kernels';
import { relativeError, seededUniform } from './wasm-test-util';

type Pad = number | 'same' | 'valid' | tf.backend_util.ExplicitPadding;

function conv(xs: number[], ws: number[], stride: number, pad: Pad): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(seededUniform(xs, 31), xs as [number, number, number, number]);
    const w = tf.tensor4d(seededUniform(ws, 32), ws as [number, number, number, number]);
    return tf.conv2d(x, w, stride, pad as 'valid').dataSync() as Float32Array;
  });
}

describe('wasm Conv2D as im2col + SIMD GEMM (custom kernel)', () => {
  // each at least 2^20 multiply-adds, so that the custom kernel takes it
  const cases: [string, number[], number[], number, Pad][] = [
    ['3x3 pad 1, over several im2col chunks', [4, 16, 16, 32], [3, 3, 32, 16], 1, 1],
    ['3x3 stride 2 pad 1, 8+8+4 output channels', [8, 17, 15, 16], [3, 3, 16, 20], 2, 1],
    ['one input channel (L2-Net first layer)', [16, 32, 32, 1], [3, 3, 1, 32], 1, 1],
    ['explicit asymmetric pads', [16, 12, 12, 8], [3, 3, 8, 32], 2, [[0, 0], [2, 0], [0, 1], [0, 0]]],
    ['same, 5x3 stride 3', [8, 20, 19, 8], [5, 3, 8, 24], 3, 'same'],
    ['1x1 (the input is its own im2col)', [4, 16, 16, 64], [1, 1, 64, 40], 1, 'valid'],
    ['8x8 over the whole input (descriptor head: left to XNNPACK)', [32, 8, 8, 32], [8, 8, 32, 24], 1, 'valid'],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, xs, ws, s, p) => {
    await useTfjsBackend('cpu');
    const ref = conv(xs, ws, s, p);
    await useTfjsBackend('wasm');
    registerWasmTrainingKernels();
    const before = tf.backend().numDataIds();
    const got = conv(xs, ws, s, p);
    expect(tf.backend().numDataIds()).toBe(before);
    expect(relativeError(got, ref)).toBeLessThan(1e-5);
    await useTfjsBackend('cpu');
  });
});
