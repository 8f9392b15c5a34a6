import * as tf from '@tensorflow/tfjs-core';
import type { StateDict } from '@descbench/models';
import { CSA_LAYER_NORM_EPS, CSA_NORMALIZE_EPS, checkCsaConfig, csaDropPathRates, type CsaConfig } from './config';
import { denseBatchMatMul, denseMatMul } from './dense-matmul';
import { DropoutSites } from './dropout';
import { checkCsaStateDict, csaParams, initCsaStateDict } from './state-dict';

export interface CsaForwardOptions {
  /** Active dropout, attention dropout and drop-path (the model's `train()` mode). */
  training?: boolean;
  /** Seed of this pass's dropout masks (training only). */
  dropoutSeed?: number;
}

export interface CsaForwardResult {
  /** Transformer outputs before normalisation `[B, T, L']`. */
  tokens: tf.Tensor3D;
  /** `feature_align` reconstruction of every affinity row `[B, T, L]`. */
  reconstruction: tf.Tensor3D;
}

let variableCounter = 0;

/**
 * The CSA re-ranker in tfjs (`RerankTransformer`): affinity rows `[B, T, L]` (row 0 the query's,
 * rows 1.. the candidates') -> Linear(L -> L') -> `depth` pre-norm ViT blocks -> tokens. Variables
 * hold Linear weights as `[in, out]` (PyTorch's transposed); `stateDict()` gives PyTorch layout.
 * Float32 throughout (the authors train under fp16 autocast).
 */
export class CsaModel {
  readonly config: CsaConfig;
  readonly variables = new Map<string, tf.Variable>();
  private readonly dropPath: number[];

  constructor(config: CsaConfig, sd: StateDict) {
    this.config = checkCsaConfig(config);
    this.dropPath = csaDropPathRates(config);
    const checked = checkCsaStateDict(config, sd);
    for (const p of csaParams(config)) {
      const t = checked.get(p.key)!;
      const v = tf.tidy(() => {
        const x = tf.tensor(t.data, t.shape, 'float32');
        return t.shape.length === 2 ? tf.transpose(x) : x;
      });
      this.variables.set(p.key, tf.variable(v, true, `csa/${p.key}/${variableCounter++}`));
      v.dispose();
    }
  }

  private v(key: string): tf.Variable {
    const x = this.variables.get(key);
    if (x === undefined) throw new Error(`csa: no variable ${key}`);
    return x;
  }

  /** x `[B, T, in]` -> `[B, T, out]`. */
  private linear(x: tf.Tensor3D, key: string, bias = true): tf.Tensor3D {
    const [b, t, i] = x.shape;
    const w = this.v(`${key}.weight`);
    let y: tf.Tensor2D = denseMatMul(tf.reshape(x, [b * t, i]) as tf.Tensor2D, w as tf.Tensor2D);
    if (bias) y = tf.add(y, this.v(`${key}.bias`));
    return tf.reshape(y, [b, t, w.shape[1] as number]) as tf.Tensor3D;
  }

  private layerNorm(x: tf.Tensor3D, key: string): tf.Tensor3D {
    const { mean, variance } = tf.moments(x, -1, true);
    const n = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, CSA_LAYER_NORM_EPS)));
    return tf.add(tf.mul(n, this.v(`${key}.weight`)), this.v(`${key}.bias`)) as tf.Tensor3D;
  }

  private attention(x: tf.Tensor3D, b: number, drop: DropoutSites): tf.Tensor3D {
    const { heads, embedDim: e } = this.config;
    const [bs, t] = x.shape;
    const dh = e / heads;
    // q, k, v from column blocks of the qkv weight (slicing the small weight, not the activations:
    // the gradient of a split of [B, T, 3L'] was very slow on wasm); q, v [B, H, T, Dh], k^T [B, H, Dh, T]
    const w = this.v(`blocks.${b}.attn.qkv.weight`);
    const bias = this.config.qkvBias ? this.v(`blocks.${b}.attn.qkv.bias`) : undefined;
    const flat = tf.reshape(x, [bs * t, e]) as tf.Tensor2D;
    const part = (i: number): tf.Tensor => {
      let y: tf.Tensor2D = denseMatMul(flat, tf.slice(w, [0, i * e], [e, e]) as tf.Tensor2D);
      if (bias !== undefined) y = tf.add(y, tf.slice(bias, [i * e], [e]));
      return tf.reshape(y, [bs, t, heads, dh]);
    };
    const q = tf.transpose(part(0), [0, 2, 1, 3]) as tf.Tensor4D;
    const kT = tf.transpose(part(1), [0, 2, 3, 1]) as tf.Tensor4D;
    const v = tf.transpose(part(2), [0, 2, 1, 3]) as tf.Tensor4D;
    let attn = tf.softmax(tf.mul(denseBatchMatMul(q, kT), dh ** -0.5), -1) as tf.Tensor4D;
    attn = drop.dropout(attn, this.config.attnDropRate);
    const o = tf.reshape(tf.transpose(denseBatchMatMul(attn, v), [0, 2, 1, 3]), [bs, t, e]) as tf.Tensor3D;
    return drop.dropout(this.linear(o, `blocks.${b}.attn.proj`), this.config.dropRate);
  }

  private mlp(x: tf.Tensor3D, b: number, drop: DropoutSites): tf.Tensor3D {
    const h = this.linear(x, `blocks.${b}.mlp.fc1`);
    // exact GELU (F.gelu): x/2 (1 + erf(x / sqrt 2))
    const g = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2)))) as tf.Tensor3D;
    return drop.dropout(this.linear(drop.dropout(g, this.config.dropRate), `blocks.${b}.mlp.fc2`), this.config.dropRate);
  }

  /** `RerankTransformer.forward`'s network part: affinity `[B, T, L]` -> tokens and reconstruction. Call inside tf.tidy. */
  forward(affinity: tf.Tensor3D, o: CsaForwardOptions = {}): CsaForwardResult {
    const drop = new DropoutSites(o.training === true, o.dropoutSeed ?? 0);
    let x = drop.dropout(this.linear(drop.dropout(affinity, this.config.dropRate), 'topk_proj'), this.config.dropRate);
    for (let b = 0; b < this.config.depth; b++) {
      const rate = this.dropPath[b] as number;
      x = tf.add(x, drop.dropPath(this.attention(this.layerNorm(x, `blocks.${b}.norm1`), b, drop), rate));
      x = tf.add(x, drop.dropPath(this.mlp(this.layerNorm(x, `blocks.${b}.norm2`), b, drop), rate));
    }
    return { tokens: x, reconstruction: this.linear(x, 'feature_align.layers.0') };
  }

  /**
   * `forward_feature` (inference, no dropout): cosine of token 0 with tokens 1..T-1.
   * affinity `[B, T, L]` -> `[B, T - 1]`. Call inside tf.tidy.
   */
  scores(affinity: tf.Tensor3D): tf.Tensor2D {
    const { tokens } = this.forward(affinity);
    const [b, t, e] = tokens.shape;
    const n = tf.div(tokens, tf.maximum(tf.norm(tokens, 'euclidean', -1, true), CSA_NORMALIZE_EPS));
    const q = tf.slice(n, [0, 0, 0], [b, 1, e]);
    const c = tf.slice(n, [0, 1, 0], [b, t - 1, e]);
    return tf.sum(tf.mul(q, c), -1) as tf.Tensor2D;
  }

  /** Weights in PyTorch layout and the authors' key names. */
  stateDict(): StateDict {
    const sd: StateDict = new Map();
    for (const p of csaParams(this.config)) {
      const v = this.v(p.key);
      const data = tf.tidy(() => (p.shape.length === 2 ? tf.transpose(v) : v.clone())).dataSync() as Float32Array;
      sd.set(p.key, { shape: p.shape, data: Float32Array.from(data) });
    }
    return sd;
  }

  /** Copy weights in (same config). */
  loadStateDict(sd: StateDict, file?: string): void {
    const checked = checkCsaStateDict(this.config, sd, file);
    for (const p of csaParams(this.config)) {
      const t = checked.get(p.key)!;
      tf.tidy(() => {
        const x = tf.tensor(t.data, t.shape, 'float32');
        this.v(p.key).assign(t.shape.length === 2 ? tf.transpose(x) : x);
      });
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

/** A CSA model with seeded initial weights (`seed`) or given weights (`stateDict`). */
export function createCsaModel(config: CsaConfig, o: { seed: number } | { stateDict: StateDict; file?: string }): CsaModel {
  if ('seed' in o) return new CsaModel(config, initCsaStateDict(config, o.seed));
  return new CsaModel(config, checkCsaStateDict(config, o.stateDict, o.file));
}
