import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { blockReduction, registerWasmBlockReduce } from './wasm-block-reduce';
import { relativeError, seededUniform } from './wasm-test-util';

function reduce(kernel: 'Sum' | 'Mean', shape: number[], axis: number[], keepDims: boolean): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor(seededUniform(shape, 31), shape);
    const y = tf.engine().runKernel(kernel, { x }, { axis, keepDims }) as tf.Tensor;
    return { shape: y.shape, data: y.dataSync() as Float32Array };
  });
}

describe('wasm Sum / Mean over a block of axes (custom kernel)', () => {
  const cases: [string, 'Sum' | 'Mean', number[], number[], boolean][] = [
    ['per-channel gradient sum over [B, H, W]', 'Sum', [8, 16, 16, 32], [0, 1, 2], false],
    ['keepDims', 'Sum', [8, 16, 16, 32], [0, 1, 2], true],
    ['FRN mean over [H, W]', 'Mean', [8, 16, 16, 32], [1, 2], true],
    ['negative axes, unsorted', 'Sum', [4, 32, 32, 8], [-2, 1], false],
    ['leading axis of a matrix', 'Mean', [4096, 3], [0], false],
    ['falls back: last axis', 'Sum', [64, 128], [1], false],
    ['falls back: scattered axes', 'Sum', [8, 16, 16, 32], [0, 2], false],
    ['falls back: all axes', 'Mean', [64, 128], [0, 1], false],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, kernel, shape, axis, keepDims) => {
    await useTfjsBackend('cpu');
    const ref = reduce(kernel, shape, axis, keepDims);
    await useTfjsBackend('wasm');
    registerWasmBlockReduce();
    const got = reduce(kernel, shape, axis, keepDims);
    expect(got.shape).toEqual(ref.shape);
    expect(relativeError(got.data, ref.data)).toBeLessThan(1e-5);
    await useTfjsBackend('cpu');
  });

  test('tf.sum / tf.mean without an axis (tfjs passes axis = null) reduce every axis, as on cpu', async () => {
    const all = (): number[] =>
      tf.tidy(() => {
        const x = tf.tensor(seededUniform([64, 128], 7), [64, 128]);
        const s = tf.sum(x);
        const m = tf.mean(tf.square(x));
        expect(s.shape).toEqual([]);
        expect(m.shape).toEqual([]);
        return [s.dataSync()[0]!, m.dataSync()[0]!];
      });
    await useTfjsBackend('cpu');
    const ref = all();
    await useTfjsBackend('wasm');
    registerWasmBlockReduce();
    const got = all();
    expect(got[0]).toBeCloseTo(ref[0]!, 2);
    expect(got[1]).toBeCloseTo(ref[1]!, 5);
    await useTfjsBackend('cpu');
  });

  test('which reductions are blocks', () => {
    expect(blockReduction([64, 128], null)).toBeUndefined();
    expect(blockReduction([8, 16, 16, 32], [0, 1, 2])).toMatchObject({ outer: 1, m: 2048, n: 32, outShape: [32], keptShape: [1, 1, 1, 32] });
    expect(blockReduction([8, 16, 16, 32], [2, 1])).toMatchObject({ outer: 8, m: 256, n: 32, outShape: [8, 32] });
    expect(blockReduction([8, 16, 16, 32], [3])).toBeUndefined();
    expect(blockReduction([8, 16, 16, 32], [0, 2])).toBeUndefined();
  });

  test('registration is idempotent', async () => {
    await useTfjsBackend('wasm');
    registerWasmBlockReduce();
    expect(registerWasmBlockReduce()).toBe(false);
    await useTfjsBackend('cpu');
  });
});
