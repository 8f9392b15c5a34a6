import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { symmetricEigen } from '../extract/eigen';
import { backboneForward, createTinyBackbone, type TinyBackbone, type TinyBackboneConfig } from './backbone';
import { graphRefinement, initGcnParams, type GcnParams } from './graph-refinement';
import { averageSmoothing, initSmoothingParams, learnableSmoothing, type SmoothingParams } from './learnable-smoothing';

/**
 * HOW's local descriptors (Tolias et al., ECCV 2020) with the slides' two additions:
 *   u = f(x) backbone activations `[h, w, C]`,
 *   (+ GCN) u = graphRefinement(u) over the h*w locations,
 *   attention w(u) = ||u||_2 per location,
 *   smoothing h(u): 3x3 average pooling (HOW) or the learnable Gaussian filter (3 / 5 / 7),
 *   whitening o(.) = 1x1 conv to d dimensions, initialised with PCA-whitening learned on h(u),
 *   local descriptors o(h(u)) L2-normalised, the top-k by attention over all scales;
 *   training descriptor: L2-normalised sum_u w(u) o(h(u)) (HOW's global descriptor).
 */
export interface HowVariant {
  /** 0: HOW's 3x3 average pooling; 3 / 5 / 7: the learnable filter of that size. */
  learnableFilter: 0 | 3 | 5 | 7;
  gcn: boolean;
}

export const HOW_VARIANTS: Record<string, HowVariant> = {
  how: { learnableFilter: 0, gcn: false },
  'how+learnable-filter': { learnableFilter: 3, gcn: false },
  'how+gcn': { learnableFilter: 0, gcn: true },
  'how+both': { learnableFilter: 3, gcn: true },
};

export interface HowModel {
  variant: HowVariant;
  backbone: TinyBackbone;
  smoothing: { logBandwidth: tf.Variable<tf.Rank.R0>; confidenceLogit: tf.Variable<tf.Rank.R0> } | null;
  gcn: { [K in keyof GcnParams]: tf.Variable } | null;
  /** `[C, d]` and `[d]`: the 1x1 convolution. */
  whitenW: tf.Variable<tf.Rank.R2>;
  whitenB: tf.Variable<tf.Rank.R1>;
  dim: number;
}

export function createHowModel(variant: HowVariant, o: { backbone: TinyBackboneConfig; dim: number; seed: number; gcnHidden?: number }): HowModel {
  const backbone = createTinyBackbone(o.backbone, o.seed);
  const C = o.backbone.channels[o.backbone.channels.length - 1]!;
  const dim = Math.min(o.dim, C);
  return {
    variant,
    backbone,
    smoothing: variant.learnableFilter > 0 ? initSmoothingParams() : null,
    gcn: variant.gcn ? initGcnParams(C, o.gcnHidden ?? 32, o.seed + 1) : null,
    whitenW: tf.variable(tf.eye(C, dim) as tf.Tensor2D),
    whitenB: tf.variable(tf.zeros([dim]) as tf.Tensor1D),
    dim,
  };
}

/**
 * Variables by training group: `trained` (the backbone, small lr), `context` (the slides'
 * smoothing and GCN, large lr) and `whitening` (the 1x1 conv: HOW initialises it with
 * PCA-whitening and does not update it, lr 0 in HOWNet.parameter_groups).
 */
export function howVariables(m: HowModel): { trained: tf.Variable[]; context: tf.Variable[]; whitening: tf.Variable[] } {
  const context: tf.Variable[] = [];
  if (m.smoothing) context.push(m.smoothing.logBandwidth, m.smoothing.confidenceLogit);
  if (m.gcn) context.push(...Object.values(m.gcn));
  return { trained: [...m.backbone.weights, ...m.backbone.biases], context, whitening: [m.whitenW, m.whitenB] };
}

/** Gray uint8 image `[size, size]` (or any `[H, W]`) as a `[1, H, W, 1]` tensor in 0..1. */
export function grayTensor(img: Uint8Array, h: number, w: number): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(img), [1, h, w, 1]), 255));
}

/** The smoothed activations h(u) `[n, C]` and attention `[n]` of one image at one scale. */
function smoothedActivations(m: HowModel, x: tf.Tensor4D): { u: tf.Tensor2D; attn: tf.Tensor1D } {
  return tf.tidy(() => {
    let f = backboneForward(m.backbone, x);
    const [, h, w, C] = f.shape;
    if (m.gcn) f = tf.reshape(graphRefinement(tf.reshape(f, [h * w, C]) as tf.Tensor2D, m.gcn as unknown as GcnParams), [1, h, w, C]);
    const attn = tf.reshape(tf.norm(f, 2, 3), [h * w]) as tf.Tensor1D;
    const s = m.smoothing ? learnableSmoothing(f, m.variant.learnableFilter, m.smoothing as SmoothingParams) : averageSmoothing(f, 3);
    return { u: tf.reshape(s, [h * w, C]) as tf.Tensor2D, attn };
  });
}

/** Whitened local features o(h(u)) `[n, d]` (not normalised) and attention `[n]`. */
export function howLocal(m: HowModel, x: tf.Tensor4D): { feats: tf.Tensor2D; attn: tf.Tensor1D } {
  return tf.tidy(() => {
    const { u, attn } = smoothedActivations(m, x);
    return { feats: tf.add(tf.matMul(u, m.whitenW), m.whitenB) as tf.Tensor2D, attn };
  });
}

/** HOW's training descriptor `[d]`: L2-normalised attention-weighted sum of the local features. */
export function howGlobal(m: HowModel, x: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const { feats, attn } = howLocal(m, x);
    const g = tf.sum(tf.mul(feats, tf.expandDims(attn, 1)), 0);
    return tf.div(g, tf.maximum(tf.norm(g), 1e-6)) as tf.Tensor1D;
  });
}

/**
 * Initialise the whitening with PCA-whitening learned on the smoothed activations of `images`
 * (HOW initialises its 1x1 conv this way): W = P[:d]^T, b = -P[:d] m.
 */
export function initHowWhitening(m: HowModel, images: tf.Tensor4D[]): void {
  const rows: number[] = [];
  let C = 0;
  for (const x of images) {
    const { u } = smoothedActivations(m, x);
    C = u.shape[1];
    rows.push(...u.dataSync());
    u.dispose();
  }
  const n = rows.length / C;
  if (n <= C) throw new InputError(`HOW whitening: ${n} local features cannot whiten ${C} channels; use more or larger images`);
  // PCA-whitening of the d leading components; a ridge of 1e-6 of the mean variance keeps dead
  // (always zero) ReLU channels of an untrained backbone from a division by zero
  const mean = new Float64Array(C);
  for (let i = 0; i < n; i++) for (let k = 0; k < C; k++) mean[k]! += rows[i * C + k]! / n;
  const cov = new Float64Array(C * C);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < C; a++) {
      const va = rows[i * C + a]! - mean[a]!;
      for (let b = 0; b < C; b++) cov[a * C + b]! += (va * (rows[i * C + b]! - mean[b]!)) / n;
    }
  let trace = 0;
  for (let a = 0; a < C; a++) trace += cov[a * C + a]!;
  const ridge = (1e-6 * trace) / C || 1e-12;
  for (let a = 0; a < C; a++) cov[a * C + a]! += ridge;
  const { values, vectors } = symmetricEigen(cov, C);
  const order = Array.from({ length: C }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const d = m.dim;
  const W = new Float32Array(C * d);
  const b = new Float32Array(d);
  for (let r = 0; r < d; r++) {
    const j = order[r]!;
    const sc = 1 / Math.sqrt(Math.max(values[j]!, ridge));
    let s = 0;
    for (let k = 0; k < C; k++) {
      W[k * d + r] = sc * vectors[k * C + j]!;
      s += sc * vectors[k * C + j]! * mean[k]!;
    }
    b[r] = -s;
  }
  m.whitenW.assign(tf.tensor2d(W, [C, d]));
  m.whitenB.assign(tf.tensor1d(b));
}

/** HOW's multi-scale extraction: L2-normalised descriptors of the top-k locations by attention over all scales, `[k, d]`. */
export function extractHowLocal(m: HowModel, img: Uint8Array, size: number, o: { scales: readonly number[]; topk: number }): { rows: Float32Array; count: number } {
  const all: { attn: number; at: number }[] = [];
  const feats: Float32Array[] = [];
  const base = grayTensor(img, size, size);
  o.scales.forEach((s, si) => {
    const side = Math.max(8, Math.round(size * s));
    const x = s === 1 ? base : (tf.image.resizeBilinear(base, [side, side], true) as tf.Tensor4D);
    const { feats: f, attn } = howLocal(m, x);
    const fn = tf.tidy(() => tf.div(f, tf.maximum(tf.norm(f, 2, 1, true), 1e-6)));
    const a = attn.dataSync();
    feats.push(fn.dataSync() as Float32Array);
    for (let i = 0; i < a.length; i++) all.push({ attn: a[i]!, at: si * 1e7 + i });
    tf.dispose([f, attn, fn]);
    if (x !== base) x.dispose();
  });
  base.dispose();
  all.sort((p, q) => q.attn - p.attn || p.at - q.at);
  const keep = all.slice(0, o.topk);
  const d = m.dim;
  const rows = new Float32Array(keep.length * d);
  keep.forEach((k, j) => {
    const si = Math.floor(k.at / 1e7);
    const i = k.at % 1e7;
    rows.set(feats[si]!.subarray(i * d, i * d + d), j * d);
  });
  return { rows, count: keep.length };
}
