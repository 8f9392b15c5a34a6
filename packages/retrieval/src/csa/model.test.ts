/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { csaLoss } from '@descbench/losses';
import { useTfjsBackend, type StateDict } from '@descbench/models';
import { CSA_PAPER_CONFIG, type CsaConfig } from './config';
import { CsaModel, createCsaModel } from './model';
import { csaParams } from './state-dict';

interface Flat {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  config: CsaConfig;
  weight: number;
  stateDict: Record<string, Flat>;
  affinity: Flat;
  targets: Flat;
  tokens: number[];
  reconstruction: number[];
  scores: number[];
  contrastive: number;
  reconstructionLoss: number;
  loss: number;
  grads: Record<string, number[]>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'csa-model.json'), 'utf8')) as { cases: Case[] };

const TOL = 1e-5;
/** Largest |a - b| / (1 + |b|). */
const worst = (a: ArrayLike<number>, b: number[]): number => {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number)));
  return w;
};

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

/** Forward pass, scores, loss and gradients against scripts/make-csa-fixture.py (PyTorch 1.13, float64). */
describe.each(fixture.cases.map((c) => [c.name, c] as const))('CSA vs PyTorch: %s', (_name, c) => {
  const sd: StateDict = new Map(Object.entries(c.stateDict).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
  const aff = (): tf.Tensor3D => tf.tensor3d(Float32Array.from(c.affinity.data), c.affinity.shape as [number, number, number]);

  test('tokens, reconstruction and re-ranking scores within 1e-5', () => {
    const m = createCsaModel(c.config, { stateDict: sd });
    try {
      const [tokens, recon, scores] = tf.tidy(() => {
        const r = m.forward(aff());
        return [r.tokens.dataSync(), r.reconstruction.dataSync(), m.scores(aff()).dataSync()];
      });
      expect(worst(tokens!, c.tokens)).toBeLessThan(TOL);
      expect(worst(recon!, c.reconstruction)).toBeLessThan(TOL);
      expect(worst(scores!, c.scores)).toBeLessThan(TOL);
    } finally {
      m.dispose();
    }
  });

  test('loss (losses/csa.ts on the model outputs) within 1e-5, gradients within 1e-4', () => {
    const m = createCsaModel(c.config, { stateDict: sd });
    try {
      const targets = tf.tensor2d(Float32Array.from(c.targets.data), c.targets.shape as [number, number]);
      const a = aff();
      const { value, grads } = tf.variableGrads(() => {
        const r = m.forward(a);
        return csaLoss(r.tokens, targets, a, r.reconstruction, { temperature: c.config.temperature, weight: c.weight });
      }, [...m.variables.values()]);
      expect(Math.abs(value.dataSync()[0]! - c.loss) / (1 + Math.abs(c.loss))).toBeLessThan(TOL);
      for (const p of csaParams(c.config)) {
        const g = grads[m.variables.get(p.key)!.name]!;
        const host = tf.tidy(() => (p.shape.length === 2 ? tf.transpose(g) : g.clone())).dataSync();
        expect({ key: p.key, ok: worst(host, c.grads[p.key]!) < 1e-4 }).toEqual({ key: p.key, ok: true });
      }
      tf.dispose([targets, a, value, ...Object.values(grads)]);
    } finally {
      m.dispose();
    }
  });

  test('state dict round trip keeps the authors\' keys and layout', () => {
    const m = createCsaModel(c.config, { stateDict: sd });
    const back = m.stateDict();
    m.dispose();
    expect([...back.keys()]).toEqual(csaParams(c.config).map((p) => p.key));
    for (const [k, v] of back) expect(Array.from(v.data)).toEqual(Array.from(sd.get(k)!.data));
  });
});

describe('seeded initialisation', () => {
  const small: CsaConfig = { ...CSA_PAPER_CONFIG, anchors: 8, embedDim: 12, heads: 3 };
  const weights = (seed: number): Float32Array => {
    const m: CsaModel = createCsaModel(small, { seed });
    const w = m.stateDict().get('topk_proj.weight')!.data;
    m.dispose();
    return w;
  };
  test('same seed, same weights; another seed, other weights; std about 0.02, biases 0', () => {
    const a = weights(1);
    expect(Array.from(weights(1))).toEqual(Array.from(a));
    expect(Array.from(weights(2))).not.toEqual(Array.from(a));
    const m = createCsaModel({ ...small, embedDim: 96, heads: 12, anchors: 64 }, { seed: 3 });
    const sd = m.stateDict();
    m.dispose();
    const w = sd.get('blocks.0.mlp.fc1.weight')!.data;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    expect(sd.get('blocks.0.attn.qkv.bias')!.data.every((v) => v === 0)).toBe(true);
    expect(sd.get('blocks.1.norm2.weight')!.data.every((v) => v === 1)).toBe(true);
  });

  test('the paper model has 9.15M parameters including feature_align (Linear(768 -> 512))', () => {
    const n = csaParams(CSA_PAPER_CONFIG).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    // 2 x 7,087,872 (blocks) + 393,984 (topk_proj) + 393,728 (feature_align)
    expect(n).toBe(2 * 7_087_872 + 393_984 + 393_728);
  });
});

describe('training-mode dropout', () => {
  test('seeded: same seed same output, other seed other output, eval mode deterministic', () => {
    const cfg: CsaConfig = { ...CSA_PAPER_CONFIG, anchors: 8, embedDim: 12, heads: 3 };
    const m = createCsaModel(cfg, { seed: 5 });
    const x = tf.randomUniform([2, 5, 8], -1, 1, 'float32', 9) as tf.Tensor3D;
    const run = (o: Parameters<CsaModel['forward']>[1]): number[] => tf.tidy(() => Array.from(m.forward(x, o).tokens.dataSync()));
    expect(run({ training: true, dropoutSeed: 1 })).toEqual(run({ training: true, dropoutSeed: 1 }));
    expect(run({ training: true, dropoutSeed: 1 })).not.toEqual(run({ training: true, dropoutSeed: 2 }));
    expect(run({})).toEqual(run({ dropoutSeed: 7 }));
    x.dispose();
    m.dispose();
  });
});
