import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrain } from '../tfjs-net';
import { useTfjsBackend } from './tfjs';
import { BATCH_NORM_TRAIN } from './wasm-batch-norm';
import { registerWasmTrainingKernels } from './wasm-training-kernels';
import { relativeError, seededUniform } from './wasm-test-util';

/** y, mean, variance and d/dx sum(y * R) of batchNormTrain on the active backend. */
function run(shape: number[]): Float32Array[] {
  const kept: tf.Tensor[] = []; // batch statistics leave tidy (tf.keep) with the result
  const out = tf.tidy(() => {
    // shifted and scaled so that the mean and variance are not trivial
    const x = tf.add(tf.mul(tf.tensor(seededUniform(shape, 11), shape), 3), 0.5);
    const r = tf.tensor(seededUniform(shape, 12), shape);
    const { y, mean, variance } = batchNormTrain(x, 1e-5);
    const dx = tf.grad((t: tf.Tensor) => {
      const b = batchNormTrain(t, 1e-5);
      kept.push(b.mean, b.variance);
      return tf.sum(tf.mul(b.y, r));
    })(x);
    kept.push(mean, variance);
    return [y, mean, variance, dx].map((t) => t.dataSync() as Float32Array);
  });
  tf.dispose(kept);
  return out;
}

describe('wasm fused training-mode BatchNorm (custom kernels)', () => {
  const cases: [string, number[]][] = [
    ['NHWC, 8 channels (SIMD)', [4, 5, 6, 8]],
    ['5 channels (tails)', [3, 7, 5]],
    ['one row per channel block, 64 channels', [2, 3, 3, 64]],
  ];
  test.each(cases)('%s: y, mean, variance and the input gradient equal the op-by-op version on cpu', async (_n, shape) => {
    await useTfjsBackend('cpu');
    const ref = run(shape);
    await useTfjsBackend('wasm');
    registerWasmTrainingKernels();
    expect(tf.getKernel(BATCH_NORM_TRAIN, 'wasm')).toBeDefined();
    const before = tf.backend().numDataIds();
    const got = run(shape);
    expect(tf.backend().numDataIds()).toBe(before);
    got.forEach((g, i) => expect(relativeError(g, ref[i]!)).toBeLessThan(2e-5));
    expect(Array.from(run(shape)[3]!)).toEqual(Array.from(got[3]!));
    await useTfjsBackend('cpu');
  });
});
