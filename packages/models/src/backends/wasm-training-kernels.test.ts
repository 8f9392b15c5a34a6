import * as tf from '@tensorflow/tfjs-core';
import { hardnetSpec, l2netSpec } from '../l2net';
import type { NetSpec } from '../spec';
import { randomStateDict } from '../state-dict';
import { TfjsNet } from '../tfjs-net';
import { useTfjsBackend } from './tfjs';
import { relativeError, seededUniform } from './wasm-test-util';

/**
 * The architecture with every conv width divided by `f` (same layers, pads, strides, BatchNorm,
 * dropout, 8x8 head, L2 normalisation): the cpu backend's reference conv gradients are plain JS
 * loops (a full-width L2-Net gradient takes it over a minute even at batch 4).
 */
function narrow(spec: NetSpec, f: number): NetSpec {
  const c = (n: number): number => (n === 1 ? 1 : n / f);
  const layers = spec.layers.map((l) => (l.op === 'conv' ? { ...l, cin: c(l.cin), cout: c(l.cout) } : l.op === 'batchNorm' ? { ...l, c: c(l.c) } : l));
  return { ...spec, dim: spec.dim / f, layers };
}

/** Loss value and every trainable variable's gradient of a seeded net on the active backend. */
function netGradients(spec: NetSpec, batch: number): Map<string, Float32Array> {
  const net = new TfjsNet(spec, randomStateDict(spec, 1));
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(seededUniform([batch, 32, 32, 1], 11), [batch, 32, 32, 1]);
      const r = tf.tensor2d(seededUniform([batch, spec.dim], 12), [batch, spec.dim]);
      const vars = net.trainableVariables();
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.forward(x, { training: true, dropoutSeed: 3 }), r)) as tf.Scalar, vars);
      const out = new Map<string, Float32Array>([['loss', value.dataSync() as Float32Array]]);
      for (const [k, g] of Object.entries(grads)) out.set(k, g.dataSync() as Float32Array);
      return out;
    });
  } finally {
    net.dispose();
  }
}

describe('wasm training kernels: full network gradients equal the cpu backend', () => {
  test.each([
    ['L2-Net', 4, l2netSpec()],
    ['HardNet (dropout 0.3)', 3, hardnetSpec()],
  ])('%s, conv widths / 8, batch %d', async (_name, batch, spec) => {
    const small = narrow(spec, 8);
    await useTfjsBackend('cpu');
    const ref = netGradients(small, batch);
    await useTfjsBackend('wasm');
    const got = netGradients(small, batch);
    await useTfjsBackend('cpu');
    expect(got.size).toBe(ref.size);
    expect(ref.size).toBeGreaterThan(7);
    const gotByName = new Map([...got].map(([k, v]) => [k.replace(/\/\d+$/, ''), v]));
    for (const [k, r] of ref) {
      const key = k.replace(/\/\d+$/, '');
      const g = gotByName.get(key);
      expect([key, g === undefined, r.some((v) => v !== 0)]).toEqual([key, false, true]);
      expect([key, relativeError(g!, r) < 1e-3]).toEqual([key, true]);
    }
  });
});
