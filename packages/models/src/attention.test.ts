/** @jest-environment ./packages/models/test/node-realm-environment.js */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';
import { soaAttention } from './attention';
import { useTfjsBackend } from './backends/tfjs';
import { modelSpec } from './registry';
import { randomStateDict } from './state-dict';
import { TfjsNet, patchesToTensor } from './tfjs-net';

test('SOA attention maps from ONNX equal the tfjs attention rows', async () => {
  await useTfjsBackend('wasm');
  const spec = modelSpec('sosnet+soa345');
  const sd = randomStateDict(spec, 2, { mode: 'dense' });
  const r = new SeededRng(3);
  const patch = Float32Array.from({ length: 1024 }, () => r.float());
  const maps = await soaAttention('sosnet+soa345', patch, 21, 6, { weights: sd });
  expect(maps.map((m) => [m.after, m.grid, m.query.col, m.query.row])).toEqual([
    [3, 16, 10, 3],
    [4, 16, 10, 3],
    [5, 8, 5, 1],
  ]);
  const net = new TfjsNet(spec, sd);
  const rows = new Map<number, Float32Array>();
  tf.tidy(() => {
    net.forward(patchesToTensor(patch, 1, 32), {
      onAttention: (after, a) => {
        const m = maps.find((x) => x.after === after)!;
        const q = m.query.row * m.grid + m.query.col;
        rows.set(after, a.slice([0, q, 0], [1, 1, m.grid * m.grid]).dataSync() as Float32Array);
      },
    });
  });
  net.dispose();
  for (const m of maps) {
    expect(m.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const want = rows.get(m.after)!;
    expect(Math.max(...m.weights.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-6);
  }
  await expect(soaAttention('sosnet', patch, 1, 1)).rejects.toThrow(/no SOA block/);
  await expect(soaAttention('sosnet+soa3', patch, 40, 1)).rejects.toThrow(/outside the 32x32 patch/);
});
