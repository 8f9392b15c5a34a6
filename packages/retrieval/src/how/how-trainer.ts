import * as tf from '@tensorflow/tfjs-core';
import { createProgress, InputError, SeededRng } from '@descbench/core';
import { howContrastiveLoss, HOW_MARGIN } from './how-loss';
import { grayTensor, howGlobal, howVariables, initHowWhitening, type HowModel } from './how-model';

/**
 * Train HOW on rSfM120k-style tuples: per step a query view of a training landmark, another view
 * of it as the positive and `negatives` views of other landmarks (drawn at random; HOW mines hard
 * negatives from a pool, a cost this CPU profile skips), contrastive loss on HOW's global
 * descriptor. Adam with the slides' 1:10 learning-rate ratio (backbone and whitening :
 * smoothing and GCN). The whitening is first initialised with PCA on the training views. Seeded.
 */
export interface HowTrainOptions {
  steps: number;
  negatives: number;
  lr: number;
  /** Multiplier of the context modules' learning rate (the slides: 10). */
  contextLrRatio?: number;
  margin?: number;
  seed: number;
  onStep?: (step: number, loss: number) => void;
}

export interface HowTrainResult {
  losses: number[];
}

export function trainHow(m: HowModel, clusters: Uint8Array[][], size: number, o: HowTrainOptions): HowTrainResult {
  if (clusters.length < 2 || clusters.some((c) => c.length < 2)) throw new InputError('HOW training needs at least 2 landmarks with 2 views each');
  const rng = new SeededRng(o.seed);
  const tensors = clusters.map((c) => c.map((img) => grayTensor(img, size, size)));
  initHowWhitening(m, tensors.flatMap((c) => c.slice(0, 2)));
  const { base, context } = howVariables(m);
  const optBase = tf.train.adam(o.lr);
  const optContext = tf.train.adam(o.lr * (o.contextLrRatio ?? 10));
  const losses: number[] = [];
  const progress = createProgress('train HOW', o.steps);
  for (let step = 0; step < o.steps; step++) {
    const c = rng.int(0, clusters.length - 1);
    const views = rng.shuffle(clusters[c]!.map((_, i) => i));
    const negs = Array.from({ length: o.negatives }, () => {
      let n = rng.int(0, clusters.length - 2);
      if (n >= c) n++;
      return tensors[n]![rng.int(0, clusters[n]!.length - 1)]!;
    });
    const { value, grads } = tf.variableGrads(
      () =>
        howContrastiveLoss(
          howGlobal(m, tensors[c]![views[0]!]!),
          howGlobal(m, tensors[c]![views[1]!]!),
          negs.map((n) => howGlobal(m, n)),
          o.margin ?? HOW_MARGIN,
        ),
      [...base, ...context],
    );
    const pick = (vs: tf.Variable[]): { name: string; tensor: tf.Tensor }[] => vs.map((v) => ({ name: v.name, tensor: grads[v.name]! }));
    optBase.applyGradients(pick(base));
    if (context.length > 0) optContext.applyGradients(pick(context));
    const l = value.dataSync()[0]!;
    losses.push(l);
    o.onStep?.(step, l);
    tf.dispose([value, ...Object.values(grads)]);
    progress.tick();
  }
  progress.done();
  optBase.dispose();
  optContext.dispose();
  tf.dispose(tensors.flat());
  return { losses };
}
