/** @jest-environment ./packages/models/test/node-realm-environment.js */
import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';
import { useTfjsBackend } from '@descbench/models';
import { featureRows, type FeatureRows } from './features';
import { CSA_TRAINING_PRESETS } from './presets';
import { warmupCosineSchedule } from './schedule';
import { CsaSgd } from './sgd';
import { trainCsa } from './trainer';
import { csaTrainingSet } from './training-data';

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

/** `clusters` groups of `per` unit vectors around random centres (noise `noise`). */
function clustered(clusters: number, per: number, dim: number, noise: number, seed: number): { features: FeatureRows; ids: number[] } {
  const rng = new SeededRng(seed);
  const data = new Float32Array(clusters * per * dim);
  const ids: number[] = [];
  for (let c = 0; c < clusters; c++) {
    const centre = Array.from({ length: dim }, () => rng.normal());
    for (let p = 0; p < per; p++) {
      const i = c * per + p;
      ids.push(c);
      let n = 0;
      for (let k = 0; k < dim; k++) n += (data[i * dim + k] = centre[k]! + noise * rng.normal()) ** 2;
      for (let k = 0; k < dim; k++) data[i * dim + k]! /= Math.sqrt(n);
    }
  }
  return { features: featureRows(data, clusters * per, dim), ids };
}

describe('warm-up + cosine schedule (WarmupCos_Scheduler)', () => {
  test('linspace warm-up with both ends, cosine from the peak, step k uses entry k', () => {
    const s = warmupCosineSchedule({ warmupLr: 0.001, baseLr: 0.1, finalLr: 0, warmupEpochs: 2, epochs: 4, itersPerEpoch: 3 });
    expect(s.length).toBe(12);
    expect(s[0]).toBeCloseTo(0.001, 12);
    expect(s[5]).toBeCloseTo(0.1, 12);
    expect(s[6]).toBeCloseTo(0.1, 12);
    expect(s[9]).toBeCloseTo(0.05, 12); // cos(pi/2)
    expect(s[11]).toBeCloseTo(0.05 * (1 + Math.cos((5 * Math.PI) / 6)), 12);
  });
});

describe('SGD (torch.optim.SGD, two weight-decay groups, optional clip_grad_norm_)', () => {
  test('momentum buffer, decay only on decay keys, clipping by the total norm', () => {
    const vars = new Map([
      ['a.weight', tf.variable(tf.tensor1d([1, 2]))],
      ['a.bias', tf.variable(tf.tensor1d([3]))],
    ]);
    const grads = new Map<string, tf.Tensor>([
      ['a.weight', tf.tensor1d([0.5, -1])],
      ['a.bias', tf.tensor1d([2])],
    ]);
    const sgd = new CsaSgd({ momentum: 0.9, weightDecay: 0.1, decayKeys: new Set(['a.weight']), clipMaxNorm: 0 });
    sgd.step(vars, grads, 0.5);
    // buf = g + wd p
    expect(Array.from(vars.get('a.weight')!.dataSync())).toEqual([1 - 0.5 * 0.6, 2 - 0.5 * -0.8].map(Math.fround));
    sgd.step(vars, grads, 0.5);
    const w1 = [0.7, 2.4];
    const buf = [0.9 * 0.6 + 0.5 + 0.1 * w1[0]!, 0.9 * -0.8 - 1 + 0.1 * w1[1]!];
    const got = vars.get('a.weight')!.dataSync();
    expect(got[0]).toBeCloseTo(w1[0]! - 0.5 * buf[0]!, 6);
    expect(got[1]).toBeCloseTo(w1[1]! - 0.5 * buf[1]!, 6);
    expect(vars.get('a.bias')!.dataSync()[0]).toBeCloseTo(3 - 0.5 * 2 - 0.5 * (0.9 * 2 + 2), 6);
    const clip = new CsaSgd({ momentum: 0.9, weightDecay: 0, decayKeys: new Set(), clipMaxNorm: 1 });
    const v = new Map([['x', tf.variable(tf.tensor1d([0, 0]))]]);
    const norm = clip.step(v, new Map([['x', tf.tensor1d([3, 4])]]), 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(v.get('x')!.dataSync()[0]).toBeCloseTo(-3 / (5 + 1e-6), 6);
    sgd.dispose();
    clip.dispose();
  });
});

describe('training set (RerankDataset_TopKSIM)', () => {
  test('top-N by dot product, itself first, positives = same cluster as neighbour 0', () => {
    const { features, ids } = clustered(4, 5, 8, 0.3, 1);
    const set = csaTrainingSet(features, ids, 6);
    for (let i = 0; i < set.count; i++) {
      expect(set.neighbours[i * 6]).toBe(i);
      for (let r = 0; r < 6; r++) expect(set.positives[i * 6 + r]).toBe(ids[set.neighbours[i * 6 + r]!] === ids[i] ? 1 : 0);
    }
    expect(() => csaTrainingSet(features, ids, 21)).toThrow(/between 2 and 20/);
    expect(() => csaTrainingSet(features, ids.slice(1), 4)).toThrow(/19 cluster ids for 20 images/);
  });
});

describe('trainCsa', () => {
  const { features, ids } = clustered(6, 12, 16, 0.9, 3);
  const flat = (r: ReturnType<typeof trainCsa>): number[] => {
    const w = Array.from(r.model.stateDict().get('blocks.1.mlp.fc2.weight')!.data);
    r.model.dispose();
    return w;
  };

  test('tiny profile: same seed same model, five seeds five different models', () => {
    const run = (seed: number) => trainCsa({ features, clusters: ids, profile: 'tiny', seed });
    const a = run(1);
    expect(a.steps).toBe(Math.ceil(72 / 8));
    expect(a.history).toHaveLength(1);
    const wa = flat(a);
    expect(flat(run(1))).toEqual(wa);
    const others = [2, 3, 4, 5].map((s) => flat(run(s)));
    const all = [wa, ...others].map((w) => w.join(','));
    expect(new Set(all).size).toBe(5);
  });

  test('the loss falls on clustered data (smoke-size model, a few epochs)', () => {
    const r = trainCsa({
      features,
      clusters: ids,
      preset: { ...CSA_TRAINING_PRESETS.csa!, epochs: 6, warmupEpochs: 1, batch: 16, neighbours: 24, lr: 0.025 },
      model: { anchors: 24, embedDim: 48, heads: 12 },
      seed: 1,
    });
    const first = r.history[0]!.contrastive;
    const last = r.history[r.history.length - 1]!.contrastive;
    r.model.dispose();
    expect(r.skipped).toBe(0);
    expect(last).toBeLessThan(first);
  });
});
