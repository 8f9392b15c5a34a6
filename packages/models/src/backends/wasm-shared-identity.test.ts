import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmSharedIdentity } from './wasm-shared-identity';
import { seededUniform } from './wasm-test-util';

describe('wasm Identity and same-dtype Cast share data (custom kernels)', () => {
  test('clone and cast keep the values, survive the source being disposed, free their data once', async () => {
    await useTfjsBackend('wasm');
    registerWasmSharedIdentity();
    const before = tf.backend().numDataIds();
    const values = seededUniform([3, 4, 5], 9);
    const x = tf.tensor3d(values, [3, 4, 5]);
    const c = tf.clone(x);
    const f = tf.cast(x, 'float32');
    expect(tf.backend().numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual(Array.from(values));
    c.dispose();
    expect(Array.from(f.dataSync())).toEqual(Array.from(values));
    f.dispose();
    expect(tf.backend().numDataIds()).toBe(before);
    await useTfjsBackend('cpu');
  });

  test('a real cast converts (float32 -> int32, bool -> float32)', async () => {
    await useTfjsBackend('wasm');
    registerWasmSharedIdentity();
    expect(Array.from(tf.cast(tf.tensor1d([1.7, -2.2, 0]), 'int32').dataSync())).toEqual([1, -2, 0]);
    expect(Array.from(tf.cast(tf.tensor1d([true, false], 'bool'), 'float32').dataSync())).toEqual([1, 0]);
    await useTfjsBackend('cpu');
  });

  test('a variable assigned from a clone keeps the clone intact (gradient saves)', async () => {
    await useTfjsBackend('wasm');
    registerWasmSharedIdentity();
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([4, 5, 6]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    tf.dispose([v, saved]);
    await useTfjsBackend('cpu');
  });
});
