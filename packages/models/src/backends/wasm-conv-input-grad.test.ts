import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmConvInputGradient } from './wasm-conv-input-grad';
import { relativeError, seededUniform } from './wasm-test-util';

type Pad = number | 'same' | 'valid' | tf.backend_util.ExplicitPadding;

/** The Conv2DBackpropInput kernel (through tf.conv2dTranspose's op: dy, W, x shape) on the active backend. */
function inputGrad(xs: number[], ws: number[], stride: number, pad: Pad): Float32Array {
  return tf.tidy(() => {
    const [kh, kw, , co] = ws as [number, number, number, number];
    const ys = tf.backend_util.computeConv2DInfo(xs as [number, number, number, number], ws as [number, number, number, number], stride, 1, pad).outShape;
    const dy = tf.tensor4d(seededUniform(ys, 7), ys as [number, number, number, number]);
    const w = tf.tensor4d(seededUniform([kh, kw, xs[3]!, co], 8), ws as [number, number, number, number]);
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
      strides: [stride, stride],
      pad,
      dataFormat: 'NHWC',
      inputShape: xs,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    expect(dx.shape).toEqual(xs);
    return dx.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropInput (custom kernel)', () => {
  const cases: [string, number[], number[], number, Pad][] = [
    ['3x3 stride 1 valid', [2, 8, 8, 3], [3, 3, 3, 4], 1, 'valid'],
    ['3x3 stride 1 pad 1', [2, 7, 6, 3], [3, 3, 3, 4], 1, 1],
    ['3x3 stride 1 pad 1 over two im2col chunks, 8+4 output channels', [2, 16, 16, 64], [3, 3, 64, 12], 1, 1],
    ['3x3 stride 2 pad 1, 5 rows of output (SIMD row tail)', [1, 9, 9, 8], [3, 3, 8, 16], 2, 1],
    ['3x3 stride 2 valid (even input)', [2, 10, 10, 4], [3, 3, 4, 5], 2, 'valid'],
    ['3x3 stride 2 valid (odd input)', [3, 9, 9, 2], [3, 3, 2, 5], 2, 'valid'],
    ['3x3 stride 2 pad 1', [2, 9, 8, 2], [3, 3, 2, 3], 2, 1],
    ['3x3 stride 2 same', [2, 8, 8, 4], [3, 3, 4, 4], 2, 'same'],
    ['5x3 stride 3 same', [1, 11, 10, 2], [5, 3, 2, 3], 3, 'same'],
    ['explicit asymmetric pads', [2, 7, 7, 3], [3, 3, 3, 2], 2, [[0, 0], [2, 0], [0, 1], [0, 0]]],
    ['explicit pads wider than the filter (crop)', [2, 6, 6, 2], [3, 3, 2, 2], 2, [[0, 0], [3, 1], [4, 0], [0, 0]]],
    ['8x8 valid on 8x8 (L2-Net head)', [3, 8, 8, 4], [8, 8, 4, 3], 1, 'valid'],
    ['8x8 valid on 10x10', [2, 10, 10, 3], [8, 8, 3, 2], 1, 'valid'],
    ['1x1', [2, 5, 5, 6], [1, 1, 6, 3], 1, 'valid'],
    ['1x1 stride 2', [2, 6, 5, 3], [1, 1, 3, 2], 2, 'valid'],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, xs, ws, s, p) => {
    await useTfjsBackend('cpu');
    const ref = inputGrad(xs, ws, s, p);
    await useTfjsBackend('wasm');
    registerWasmConvInputGradient();
    const got = inputGrad(xs, ws, s, p);
    expect(relativeError(got, ref)).toBeLessThan(1e-4);
    await useTfjsBackend('cpu');
  });

  test('frees every intermediate (stride 1, stride 2, full-cover filter)', async () => {
    await useTfjsBackend('wasm');
    const before = tf.backend().numDataIds();
    inputGrad([2, 9, 9, 3], [3, 3, 3, 4], 1, 1);
    inputGrad([2, 9, 9, 3], [3, 3, 3, 4], 2, 1);
    inputGrad([2, 8, 8, 3], [8, 8, 3, 4], 1, 'valid');
    expect(tf.backend().numDataIds()).toBe(before);
    await useTfjsBackend('cpu');
  });

  test('registration is idempotent and replaces the built-in kernel', async () => {
    await useTfjsBackend('wasm');
    registerWasmConvInputGradient();
    expect(registerWasmConvInputGradient()).toBe(false);
    await useTfjsBackend('cpu');
  });
});
