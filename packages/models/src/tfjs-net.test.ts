/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './backends/tfjs';
import { modelSpec } from './registry';
import { randomStateDict } from './state-dict';
import { TfjsNet, patchesToTensor, type BatchStats } from './tfjs-net';
import { GRAD_ARCHS, GRAD_BATCH, GRAD_HEAD, REFERENCE_SEED, gradInputs } from '../test/torch-reference-setup';

interface GradFixture {
  loss: number;
  grads: Record<string, { head: number[]; l1: number }>;
  running_mean?: { key: string; head: number[] };
}
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'torch-reference.json'), 'utf8')) as {
  grads: Record<string, GradFixture>;
};

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

/**
 * One training step on wasm (BatchNorm batch statistics, dropout off, the wasm conv filter
 * gradient) against PyTorch's autograd on the same weights and inputs (`scripts/torch_reference.py`).
 */
describe.each(GRAD_ARCHS)('training step of %s on wasm', (arch) => {
  test('loss, gradients and running statistics equal PyTorch', () => {
    const ref = fixture.grads[arch]!;
    const spec = modelSpec(arch);
    const noDropout = { ...spec, layers: spec.layers.map((l) => (l.op === 'dropout' ? { ...l, rate: 0 } : l)) };
    const net = new TfjsNet(noDropout, randomStateDict(spec, REFERENCE_SEED, { mode: 'dense' }));
    const x = gradInputs();
    const stats: BatchStats[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const d = net.forward(patchesToTensor(x, GRAD_BATCH, 32), { training: true }, stats);
      const [a, p] = tf.split(d, 2, 0);
      return tf.mean(tf.sum(tf.mul(a!, p!), 1)) as tf.Scalar;
    }, net.trainableVariables());
    expect(value.dataSync()[0]).toBeCloseTo(ref.loss, 5);
    const byName = new Map([...net.variables].map(([k, v]) => [v.name, k]));
    const seen = new Set<string>();
    for (const [name, g] of Object.entries(grads)) {
      const key = byName.get(name)!;
      seen.add(key);
      const want = ref.grads[key];
      expect(want).toBeDefined();
      const got = net.toTorchLayout(key, g).data;
      const l1 = got.reduce((a, v) => a + Math.abs(v), 0);
      const scale = Math.max(1e-4, ...want!.head.map(Math.abs));
      const headErr = want!.head.reduce((m, v, i) => Math.max(m, Math.abs(got[i]! - v)), 0) / scale;
      expect({ key, headOk: headErr < 2e-3, l1Ok: Math.abs(l1 - want!.l1) <= 2e-3 * Math.max(want!.l1, 1e-3) }).toEqual({ key, headOk: true, l1Ok: true });
    }
    expect([...seen].sort()).toEqual(Object.keys(ref.grads).sort());
    tf.dispose([value, ...Object.values(grads)]);
    net.applyBatchStats(stats);
    if (ref.running_mean !== undefined) {
      const rm = net.variables.get(ref.running_mean.key)!.dataSync();
      ref.running_mean.head.forEach((v, i) => expect(rm[i]).toBeCloseTo(v, 5));
    }
    expect(GRAD_HEAD).toBe(16);
    net.dispose();
  });
});
