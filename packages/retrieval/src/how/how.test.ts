/** @jest-environment ./packages/models/test/node-realm-environment.js */
import * as tf from '@tensorflow/tfjs-core';
import { renderLandmarkClusters } from '@descbench/datasets';
import { computeMap } from '@descbench/metrics';
import { useTfjsBackend } from '@descbench/models';
import { TINY_BACKBONE } from './backbone';
import { howAsmkScores, rankByScore } from './how-asmk';
import { howContrastiveLoss } from './how-loss';
import { createHowModel, grayTensor, howGlobal, HOW_VARIANTS, initHowWhitening } from './how-model';
import { trainHow } from './how-trainer';

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

const SIZE = 40;

function valMap(m: ReturnType<typeof createHowModel>, val: Uint8Array[][], codebook: Uint8Array[]): number {
  const queries = val.map((c) => c[0]!);
  const db = val.flatMap((c) => c.slice(1));
  const owner = val.flatMap((c, ci) => c.slice(1).map(() => ci));
  const r = howAsmkScores(m, { codebook, db, queries }, { size: SIZE, scales: [1, 0.707], topk: 100, codebookSize: 32, seed: 1 });
  const ranks = rankByScore(r.scores);
  const data = new Int32Array(queries.length * db.length);
  ranks.forEach((rk, q) => data.set(rk, q * db.length));
  const gt = val.map((_, ci) => ({ ok: owner.flatMap((o, i) => (o === ci ? [i] : [])) }));
  return computeMap({ data, depth: db.length, queries: queries.length, layout: 'queries-x-db' }, gt, { dbSize: db.length }).mAP;
}

describe('HOW', () => {
  test('contrastive loss by hand', () => {
    const q = tf.tensor1d([1, 0]);
    const p = tf.tensor1d([0.6, 0.8]);
    const n = tf.tensor1d([0, 1]);
    const d2 = 0.4 ** 2 + 0.8 ** 2;
    expect(howContrastiveLoss(q, p, [n], 1.5).dataSync()[0]).toBeCloseTo(0.5 * d2 + 0.5 * (1.5 - Math.SQRT2) ** 2, 5);
  });

  test('training lowers the loss; the trained model still retrieves held-out landmarks with ASMK', () => {
    const train = renderLandmarkClusters({ split: 'train', clusters: 8, views: 3, size: SIZE });
    const val = renderLandmarkClusters({ split: 'val', clusters: 8, views: 4, size: SIZE });
    const m = createHowModel(HOW_VARIANTS['how+both']!, { backbone: TINY_BACKBONE, dim: 128, seed: 3 });
    // the loss on fixed training tuples (view 0 vs view 1, the next landmark's view 2 as negative)
    const fixed = (): number =>
      tf.tidy(() => {
        const t = (c: number, v: number): tf.Tensor4D => grayTensor(train.clusters[c]![v]!, SIZE, SIZE);
        let l = 0;
        for (let c = 0; c < 8; c++) l += howContrastiveLoss(howGlobal(m, t(c, 0)), howGlobal(m, t(c, 1)), [howGlobal(m, t((c + 1) % 8, 2))]).dataSync()[0]!;
        return l / 8;
      });
    initHowWhitening(m, train.clusters.flatMap((c) => c.slice(0, 2).map((x) => grayTensor(x, SIZE, SIZE))));
    const before = fixed();
    const recipe = { epochs: 3, tuples: 10, pool: 24, negatives: 2, batch: 5, lr: 1e-3, seed: 1 };
    const r = trainHow(m, train.clusters, SIZE, recipe);
    expect(fixed()).toBeLessThan(before);
    // chance is about 0.15 here (8 landmarks, 3 positives among 24)
    expect(valMap(m, val.clusters, train.clusters.map((c) => c[0]!))).toBeGreaterThan(0.2);
    // HOW freezes the whitening at its PCA initialisation (lr 0): the untrained twin, whitened on the same views, has the same 1x1 conv
    const twin = createHowModel(HOW_VARIANTS['how+both']!, { backbone: TINY_BACKBONE, dim: 128, seed: 3 });
    initHowWhitening(twin, train.clusters.flatMap((c) => c.slice(0, 2).map((x) => grayTensor(x, SIZE, SIZE))));
    expect(Array.from(m.whitenW.dataSync())).toEqual(Array.from(twin.whitenW.dataSync()));
    expect(r.negativeDistances).toHaveLength(3);
    // seeded: the same training gives the same losses
    const m2 = createHowModel(HOW_VARIANTS['how+both']!, { backbone: TINY_BACKBONE, dim: 128, seed: 3 });
    expect(trainHow(m2, train.clusters, SIZE, { ...recipe, epochs: 1 }).losses).toEqual(r.losses.slice(0, 2));
  });
});
