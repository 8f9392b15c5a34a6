import * as tf from '@tensorflow/tfjs-core';
import { createProgress, InputError, SeededRng } from '@descbench/core';
import { mineHardNegatives } from './hard-negatives';
import { howContrastiveLoss, HOW_MARGIN } from './how-loss';
import { grayTensor, howGlobal, howVariables, initHowWhitening, type HowModel } from './how-model';

/**
 * Train HOW on rSfM120k-style clusters with HOW's recipe (gtolias/how, stages/train.py and
 * examples/params/eccv20/_train_how.yml, which train through cirtorch's TuplesDataset):
 *   - the whitening (1x1 conv) is initialised with PCA-whitening and then frozen (HOW gives its
 *     parameter group lr 0); the backbone and the slides' context modules are trained;
 *   - every epoch draws `tuples` (query, positive) pairs at random from all pairs of views of a
 *     cluster, draws a pool of `pool` training images, describes queries and pool with the current
 *     model (HOW's global descriptor) and mines `negatives` hard negatives per query, at most one
 *     per cluster and none from the query's (mineHardNegatives);
 *   - contrastive loss with margin 0.8 per tuple, gradients summed over `batch` tuples per Adam
 *     step (weight decay 1e-4 added to the gradient as torch's Adam does), learning rate decayed by
 *     `lrGamma` = 0.99 after every epoch; the context modules at `contextLrRatio` times the rate
 *     (the slides' 1:10).
 * Seeded: the same seed, data and backend give the same losses.
 */
export interface HowTrainOptions {
  epochs: number;
  /** (query, positive) pairs per epoch (cirtorch's qsize). */
  tuples: number;
  /** Images drawn per epoch to mine negatives from (cirtorch's poolsize). */
  pool: number;
  /**
   * 'query-view': every tuple's query is a cluster's first view (rendered like the evaluation's
   * queries) and its positive another view of the cluster; 'all-pairs': any ordered pair of views.
   */
  pairs?: 'query-view' | 'all-pairs';
  /** Hard negatives per tuple (cirtorch's nnum). */
  negatives: number;
  /** Tuples per optimiser step (HOW's batch_size); an epoch drops the incomplete last batch. */
  batch: number;
  lr: number;
  /** Learning-rate decay per epoch (HOW: ExponentialLR, gamma 0.99). */
  lrGamma?: number;
  /**
   * Optimiser steps over which the rate ramps up linearly from lr / warmupSteps to lr (0: none,
   * HOW's fine-tuning of a pretrained backbone). A backbone trained from random weights at a rate
   * that moves it sees its descriptors collapse in the first steps without it (see presets).
   */
  warmupSteps?: number;
  /** Adam weight decay (HOW: 1e-4). */
  weightDecay?: number;
  /** Multiplier of the context modules' learning rate (the slides: 10). */
  contextLrRatio?: number;
  margin?: number;
  seed: number;
  onStep?: (step: number, loss: number) => void;
}

export interface HowTrainResult {
  /** Mean loss per tuple of every optimiser step. */
  losses: number[];
  /** Mean L2 distance between query and mined negatives, per epoch (before that epoch's steps). */
  negativeDistances: number[];
}

/** Global descriptors `[n, d]` of images under the current weights (no gradients). */
function describe(m: HowModel, images: tf.Tensor4D[]): Float32Array {
  const out = new Float32Array(images.length * m.dim);
  images.forEach((x, i) => {
    const g = howGlobal(m, x);
    out.set(g.dataSync(), i * m.dim);
    g.dispose();
  });
  return out;
}

/** tfjs keeps an optimiser's rate in a protected field that applyGradients reads on every call. */
function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

export function trainHow(m: HowModel, clusters: Uint8Array[][], size: number, o: HowTrainOptions): HowTrainResult {
  if (clusters.length < o.negatives + 1 || clusters.some((c) => c.length < 2))
    throw new InputError(`HOW training with ${o.negatives} negatives needs at least ${o.negatives + 1} landmarks with 2 views each`);
  if (o.batch < 1 || o.tuples < o.batch) throw new InputError(`HOW training: ${o.tuples} tuples per epoch cannot fill a batch of ${o.batch}`);
  const rng = new SeededRng(o.seed);
  const tensors = clusters.map((c) => c.map((img) => grayTensor(img, size, size)));
  const images = tensors.flat();
  const clusterOf = clusters.flatMap((c, ci) => c.map(() => ci));
  const first = clusters.map((_, ci) => clusterOf.indexOf(ci));
  const queryView = (o.pairs ?? 'query-view') === 'query-view';
  const pairs = clusters.flatMap((c, ci) => c.flatMap((_, i) => c.flatMap((__, j) => (i === j || (queryView && i !== 0) ? [] : [[first[ci]! + i, first[ci]! + j] as const]))));
  initHowWhitening(m, tensors.flatMap((c) => c.slice(0, 2)));
  const { trained, context } = howVariables(m);
  const ratio = o.contextLrRatio ?? 10;
  const gamma = o.lrGamma ?? 0.99;
  const wd = o.weightDecay ?? 1e-4;
  const optBase = tf.train.adam(o.lr);
  const optContext = tf.train.adam(o.lr * ratio);
  const perEpoch = Math.floor(o.tuples / o.batch);
  const losses: number[] = [];
  const negativeDistances: number[] = [];
  const progress = createProgress('train HOW', o.epochs * perEpoch);
  const warmup = o.warmupSteps ?? 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const er = rng.fork(epoch);
    const chosen = er.shuffle(pairs.map((_, i) => i)).slice(0, Math.min(o.tuples, pairs.length)).map((i) => pairs[i]!);
    const poolIdx = er.shuffle(images.map((_, i) => i)).slice(0, Math.min(o.pool, images.length));
    const mined = mineHardNegatives(
      describe(m, chosen.map(([q]) => images[q]!)),
      chosen.map(([q]) => clusterOf[q]!),
      describe(m, poolIdx.map((i) => images[i]!)),
      poolIdx.map((i) => clusterOf[i]!),
      m.dim,
      o.negatives,
    );
    negativeDistances.push(mined.meanDistance);
    for (let b = 0; b < perEpoch; b++) {
      const ramp = Math.min(1, (losses.length + 1) / Math.max(1, warmup));
      setLearningRate(optBase, o.lr * ramp * gamma ** epoch);
      setLearningRate(optContext, o.lr * ratio * ramp * gamma ** epoch);
      const batch = chosen.slice(b * o.batch, (b + 1) * o.batch).map(([q, p], k) => ({ q, p, n: mined.negatives[b * o.batch + k]!.map((j) => poolIdx[j]!) }));
      const { value, grads } = tf.variableGrads(
        () =>
          tf.addN(
            batch.map((t) =>
              howContrastiveLoss(
                howGlobal(m, images[t.q]!),
                howGlobal(m, images[t.p]!),
                t.n.map((n) => howGlobal(m, images[n]!)),
                o.margin ?? HOW_MARGIN,
              ),
            ),
          ) as tf.Scalar,
        [...trained, ...context],
      );
      const pick = (vs: tf.Variable[]): { name: string; tensor: tf.Tensor }[] =>
        vs.map((v) => ({ name: v.name, tensor: wd > 0 ? tf.add(grads[v.name]!, tf.mul(wd, v)) : grads[v.name]! }));
      const gb = pick(trained);
      optBase.applyGradients(gb);
      const gc = pick(context);
      if (gc.length > 0) optContext.applyGradients(gc);
      const l = value.dataSync()[0]! / batch.length;
      losses.push(l);
      o.onStep?.(losses.length - 1, l);
      tf.dispose([value, ...Object.values(grads), ...(wd > 0 ? [...gb, ...gc].map((g) => g.tensor) : [])]);
      progress.tick();
    }
  }
  progress.done();
  optBase.dispose();
  optContext.dispose();
  tf.dispose(images);
  return { losses, negativeDistances };
}
