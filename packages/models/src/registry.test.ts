/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { InputError, SeededRng, UnknownNameError } from '@descbench/core';
import { useTfjsBackend } from './backends/tfjs';
import { createModel, listModels, parseModelName } from './registry';

function randomPatches(b: number, p: number, seed: number): Float32Array {
  const r = new SeededRng(seed);
  return Float32Array.from({ length: b * p * p }, () => r.float());
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

describe.each(listModels())('zoo model %s', (name) => {
  test.each(['tfjs', 'onnx'] as const)('%s: shape, batch independence, determinism, input check', async (runtime) => {
    const m = await createModel(name, { runtime, seed: 3 });
    try {
      expect(m.patchSize).toBe(32);
      expect(m.dim).toBe(128);
      const x = randomPatches(3, m.patchSize, 1);
      const d = await m.describe(x, 3);
      expect(d.length).toBe(3 * m.dim);
      expect(d.every(Number.isFinite)).toBe(true);
      // one patch alone gives its row of the batch
      const one = await m.describe(x.subarray(m.patchSize ** 2, 2 * m.patchSize ** 2), 1);
      expect(maxAbsDiff(one, d.subarray(m.dim, 2 * m.dim))).toBeLessThan(1e-5);
      // same seed, same numbers
      const again = await createModel(name, { runtime, seed: 3 });
      expect(maxAbsDiff(await again.describe(x, 3), d)).toBe(0);
      again.dispose();
      await expect(m.describe(new Float32Array(2 * 64 * 64), 2)).rejects.toThrow(InputError);
      await expect(m.describe(new Float32Array(2 * 64 * 64), 2)).rejects.toThrow('expected input [2, 1, 32, 32], got [2, 1, 64, 64]');
    } finally {
      m.dispose();
    }
  });
});

describe('model names', () => {
  test('near-miss suggestions for unknown names', () => {
    expect(() => parseModelName('hardnt')).toThrow(UnknownNameError);
    expect(() => parseModelName('hardnt')).toThrow(/did you mean "hardnet"/);
    expect(() => parseModelName('hardnet.libery')).toThrow(/no weights tag "libery"; known tags: liberty, plus/);
  });
  test('tagged names resolve and need local weights', async () => {
    expect(parseModelName('sosnet.hp_a')).toMatchObject({ arch: 'sosnet', tag: 'hp_a' });
    await expect(createModel('hynet.liberty')).rejects.toThrow(/not available offline/);
  });
  test('SOA variants are registered', () => {
    expect(listModels('sosnet+soa*')).toEqual(expect.arrayContaining(['sosnet+soa3', 'sosnet+soa34', 'sosnet+soa345', 'sosnet+soa3456']));
  });
});
