import * as tf from '@tensorflow/tfjs-core';
import { InputError, SeededRng } from '@descbench/core';
import { csaLoss } from '@descbench/losses';
import { csaTrainingAffinity } from './affinity';
import type { CsaConfig } from './config';
import type { FeatureRows } from './features';
import { createCsaModel, type CsaModel } from './model';
import { scaleCsaPreset, csaTrainingPreset, type CsaProfile, type CsaTrainingPreset } from './presets';
import { warmupCosineSchedule } from './schedule';
import { CsaSgd } from './sgd';
import { csaParams } from './state-dict';
import { csaTrainingSet } from './training-data';

export interface TrainCsaOptions {
  /** Training descriptors (rSfM120k train split), one row per image. */
  features: FeatureRows;
  /** 3D-model id per image (rSfM120k `cluster`). */
  clusters: ArrayLike<number>;
  /** Recipe name (`csa`, `csa-readme`) or a recipe. Default `csa`. */
  preset?: string | CsaTrainingPreset;
  profile?: CsaProfile;
  /** One seed decides the initial weights, the image order, the row shuffles and the dropout masks. */
  seed: number;
  /** Architecture / loss changes on top of the recipe (the Fig. 1 ablations). */
  model?: Partial<CsaConfig>;
  reconstructionWeight?: number;
  /** Steps done, total steps, current loss. */
  onStep?: (done: number, total: number, loss: number) => void;
}

export interface CsaEpochLog {
  epoch: number;
  loss: number;
  contrastive: number;
  reconstruction: number;
  lr: number;
}

export interface TrainCsaResult {
  model: CsaModel;
  preset: CsaTrainingPreset & { rerankK: number };
  history: CsaEpochLog[];
  steps: number;
  /** Steps whose loss was not finite (skipped, as train.py skips them). */
  skipped: number;
}

/**
 * Train the CSA re-ranker as the authors' train.py does (float32 instead of fp16 autocast):
 * samples = each image's top-N neighbours with rows 1.. shuffled, batches in a seeded image order,
 * loss = contrastive (t) + weight x reconstruction, SGD with the warm-up + cosine schedule per step.
 */
export function trainCsa(o: TrainCsaOptions): TrainCsaResult {
  const base = typeof o.preset === 'object' ? o.preset : csaTrainingPreset(o.preset ?? 'csa');
  const scaled = scaleCsaPreset(base, o.profile ?? 'paper');
  const preset = { ...scaled, model: { ...scaled.model, ...o.model }, reconstructionWeight: o.reconstructionWeight ?? scaled.reconstructionWeight };
  const cfg = preset.model;
  if (preset.neighbours < cfg.anchors) throw new InputError(`csa training: ${preset.neighbours} neighbours cannot give ${cfg.anchors} anchors`, { at: 'anchors' });
  const set = csaTrainingSet(o.features, o.clusters, preset.neighbours);
  const rng = new SeededRng(o.seed);
  const orderRng = rng.fork(1);
  const rowRng = rng.fork(2);
  const model = createCsaModel(cfg, { seed: o.seed });
  const decayKeys = new Set(csaParams(cfg).filter((p) => p.decay).map((p) => p.key));
  const sgd = new CsaSgd({ momentum: preset.momentum, weightDecay: preset.weightDecay, decayKeys, clipMaxNorm: preset.clipMaxNorm });
  const batch = Math.min(preset.batch, set.count);
  const itersPerEpoch = Math.ceil(set.count / batch);
  const lrs = warmupCosineSchedule({ ...preset, baseLr: preset.lr, itersPerEpoch });
  const total = itersPerEpoch * preset.epochs;
  const n = set.n;
  const l = cfg.anchors;
  const history: CsaEpochLog[] = [];
  let step = 0;
  let skipped = 0;
  let order = orderRng.shuffle(Array.from({ length: set.count }, (_, i) => i));
  for (let epoch = 0; epoch < preset.epochs; epoch++) {
    if (epoch > 0 && preset.epochOrder === 'reshuffle') order = orderRng.shuffle(order);
    let sum = 0;
    let seen = 0;
    for (let start = 0; start < set.count; start += batch) {
      const idx = order.slice(start, start + batch);
      const b = idx.length;
      const aff = new Float32Array(b * n * l);
      const tgt = new Float32Array(b * n);
      idx.forEach((img, s) => {
        const nb = set.neighbours.subarray(img * n, img * n + n);
        const rows = [0, ...rowRng.shuffle(Array.from({ length: n - 1 }, (_, i) => i + 1))];
        aff.set(csaTrainingAffinity(set.features, nb, l, rows), s * n * l);
        rows.forEach((r, t) => (tgt[s * n + t] = set.positives[img * n + r] as number));
      });
      const lr = lrs[step] as number;
      const vars = model.variables;
      const { value, grads } = tf.tidy(() => {
        const a = tf.tensor3d(aff, [b, n, l]);
        const y = tf.tensor2d(tgt, [b, n]);
        return tf.variableGrads(() => {
          const r = model.forward(a, { training: true, dropoutSeed: (o.seed * 7_368_787 + step) % 2_147_483_647 });
          return csaLoss(r.tokens, y, a, r.reconstruction, { temperature: cfg.temperature, weight: preset.reconstructionWeight });
        }, [...vars.values()]);
      });
      const loss = value.dataSync()[0] as number;
      if (Number.isFinite(loss)) {
        const byKey = new Map<string, tf.Tensor>();
        for (const [key, v] of vars) byKey.set(key, grads[v.name]!);
        sgd.step(vars, byKey, lr);
        sum += loss * b;
        seen += b;
      } else skipped++;
      tf.dispose([value, ...Object.values(grads)]);
      step++;
      o.onStep?.(step, total, loss);
    }
    const terms = epochLosses(model, set, cfg);
    history.push({ epoch: epoch + 1, loss: seen > 0 ? sum / seen : NaN, ...terms, lr: lrs[Math.max(0, step - 1)] as number });
  }
  sgd.dispose();
  return { model, preset, history, steps: step, skipped };
}

/** Eval-mode loss terms on the first (up to) 16 samples, unshuffled: a cheap, deterministic training curve. */
function epochLosses(model: CsaModel, set: ReturnType<typeof csaTrainingSet>, cfg: CsaConfig): { contrastive: number; reconstruction: number } {
  const b = Math.min(16, set.count);
  const n = set.n;
  const l = cfg.anchors;
  const aff = new Float32Array(b * n * l);
  const tgt = new Float32Array(b * n);
  const rows = Array.from({ length: n }, (_, i) => i);
  for (let s = 0; s < b; s++) {
    aff.set(csaTrainingAffinity(set.features, set.neighbours.subarray(s * n, s * n + n), l, rows), s * n * l);
    for (let t = 0; t < n; t++) tgt[s * n + t] = set.positives[s * n + t] as number;
  }
  return tf.tidy(() => {
    const a = tf.tensor3d(aff, [b, n, l]);
    const y = tf.tensor2d(tgt, [b, n]);
    const r = model.forward(a);
    const c = csaLoss(r.tokens, y, a, r.reconstruction, { temperature: cfg.temperature, weight: 0 }).dataSync()[0] as number;
    const total = csaLoss(r.tokens, y, a, r.reconstruction, { temperature: cfg.temperature, weight: 1 }).dataSync()[0] as number;
    return { contrastive: c, reconstruction: total - c };
  });
}
