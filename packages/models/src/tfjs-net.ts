import * as tf from '@tensorflow/tfjs-core';
import type { BatchNormLayer, ConvLayer, Layer, NetSpec, SoaLayer } from './spec';
import { paramSpecs } from './spec';
import type { HostTensor, StateDict } from './state-dict';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from './backends/wasm-batch-norm';

/** Running-statistics update of one BatchNorm in a training step (PyTorch semantics: unbiased var, momentum). */
export interface BatchStats {
  key: string;
  momentum: number;
  /** Batch mean and biased variance, `[C]`. */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Elements per channel (B*H*W) to turn the biased variance into the unbiased one. */
  count: number;
}

export interface ForwardOptions {
  /** Batch statistics in BatchNorm, active dropout. */
  training?: boolean;
  /** Seed of the dropout masks of this call (training only). */
  dropoutSeed?: number;
  /** Receives each SOA block's attention `[B, N, N]` (rows: query position, softmax over columns). */
  onAttention?: (after: number, attention: tf.Tensor3D) => void;
  /** Receives the descriptors before the final L2 normalisation `[B, dim]` (HyNet's norm regulariser needs them). */
  onRaw?: (raw: tf.Tensor2D) => void;
}

/** Layout change from PyTorch to tfjs for one tensor of a layer. */
function toTfjs(t: HostTensor): tf.Tensor {
  const x = tf.tensor(t.data, t.shape, 'float32');
  if (t.shape.length === 4) {
    // conv weight [Cout, Cin, kh, kw] -> [kh, kw, Cin, Cout]
    const y = tf.transpose(x, [2, 3, 1, 0]);
    x.dispose();
    return y;
  }
  if (t.shape.length === 2) {
    // linear weight [out, in] -> [in, out]
    const y = tf.transpose(x, [1, 0]);
    x.dispose();
    return y;
  }
  return x;
}

let variableCounter = 0;

/**
 * A spec's network in tfjs (NHWC internally). Parameters are `tf.Variable`s named by their
 * PyTorch keys; `stateDict()` returns them in PyTorch layout again.
 */
export class TfjsNet {
  readonly variables = new Map<string, tf.Variable>();
  private readonly hostShapes = new Map<string, number[]>();
  private readonly frnKeys = new Set<string>();

  constructor(
    readonly spec: NetSpec,
    sd: StateDict,
  ) {
    for (const p of paramSpecs(spec)) {
      const t = sd.get(p.key);
      if (t === undefined) throw new Error(`state dict lacks ${p.key}`);
      this.hostShapes.set(p.key, p.shape);
      const owner = spec.layers[p.layer]!;
      if (owner.op === 'frn' || owner.op === 'tlu') this.frnKeys.add(p.key);
      const v = tf.tidy(() => {
        if (owner.op === 'frn' || owner.op === 'tlu') return tf.tensor(t.data, [t.data.length], 'float32');
        return toTfjs(t);
      });
      this.variables.set(p.key, tf.variable(v, p.trainable, `${spec.arch}/${p.key}/${variableCounter++}`));
      v.dispose();
    }
  }

  /** Learnable variables (what an optimiser updates). */
  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()].filter((v) => v.trainable);
  }

  private v(key: string): tf.Variable {
    const x = this.variables.get(key);
    if (x === undefined) throw new Error(`no variable ${key}`);
    return x;
  }

  /**
   * `[B, 1, P, P]` NCHW (given as NHWC `[B, P, P, 1]`) -> `[B, dim]`. Call inside `tf.tidy`.
   * In training mode `stats` receives the BatchNorm batch statistics (apply with `applyBatchStats`).
   */
  forward(x: tf.Tensor4D, o: ForwardOptions = {}, stats?: BatchStats[]): tf.Tensor2D {
    let h: tf.Tensor = x;
    let dropCount = 0;
    for (const l of this.spec.layers) {
      h = this.layer(l, h, o, stats, () => dropCount++);
    }
    return h as tf.Tensor2D;
  }

  private layer(l: Layer, x: tf.Tensor, o: ForwardOptions, stats: BatchStats[] | undefined, nextDrop: () => number): tf.Tensor {
    switch (l.op) {
      case 'instanceNorm': {
        const { mean, variance } = tf.moments(x, [1, 2], true);
        return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, l.eps)));
      }
      case 'patchStandardize': {
        const n = x.shape[1]! * x.shape[2]! * x.shape[3]!;
        const mean = tf.mean(x, [1, 2, 3], true);
        const d = tf.sub(x, mean);
        const std = tf.sqrt(tf.div(tf.sum(tf.square(d), [1, 2, 3], true), n - 1));
        return tf.div(d, tf.add(std, l.eps));
      }
      case 'conv':
        return this.conv(l, x);
      case 'batchNorm':
        return this.batchNorm(l.key, l, x, o, stats);
      case 'frn': {
        const nu2 = tf.mean(tf.square(x), [1, 2], true);
        const eps = tf.abs(this.v(`${l.key}.eps`));
        const y = tf.mul(x, tf.rsqrt(tf.add(nu2, eps)));
        return tf.add(tf.mul(y, this.v(`${l.key}.weight`)), this.v(`${l.key}.bias`));
      }
      case 'tlu': {
        // max(x, tau) written as relu(x - tau) + tau: tfjs's Maximum gradient does not reduce
        // over broadcast axes, so a per-channel tau would get a full-size gradient.
        const tau = this.v(`${l.key}.tau`);
        return tf.add(tf.relu(tf.sub(x, tau)), tau);
      }
      case 'relu':
        return tf.relu(x);
      case 'tanh':
        return tf.tanh(x);
      case 'maxPool':
        return l.k === l.stride ? blockMaxPool(x as tf.Tensor4D, l.k) : tf.maxPool(x as tf.Tensor4D, l.k, l.stride, 'valid');
      case 'dropout': {
        const i = nextDrop();
        if (!o.training || l.rate <= 0) return x;
        return tf.dropout(x, l.rate, undefined, (o.dropoutSeed ?? 0) * 7919 + i);
      }
      case 'flatten': {
        const b = x.shape[0]!;
        return tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [b, -1]);
      }
      case 'linear': {
        const y = tf.matMul(x as tf.Tensor2D, this.v(`${l.key}.weight`) as tf.Variable<tf.Rank.R2>);
        return l.bias ? tf.add(y, this.v(`${l.key}.bias`)) : y;
      }
      case 'l2Normalize': {
        if (x.rank === 2) o.onRaw?.(x as tf.Tensor2D);
        const s = l.shift !== 0 ? tf.add(x, l.shift) : x;
        const n = tf.sum(tf.square(s), 1, true);
        return tf.div(s, tf.sqrt(l.eps !== 0 ? tf.add(n, l.eps) : n));
      }
      case 'soa':
        return this.soa(l, x, o, stats);
    }
  }

  private conv(l: Pick<ConvLayer, 'key' | 'stride' | 'pad' | 'bias'>, x: tf.Tensor): tf.Tensor {
    // Zero padding inside the convolution (symmetric, PyTorch's), not as a separate Pad: the
    // input gradient then covers the unpadded input only (no pad-gradient copy, no work on the
    // border that a Pad's gradient would crop away).
    const y = tf.conv2d(x as tf.Tensor4D, this.v(`${l.key}.weight`) as tf.Variable<tf.Rank.R4>, l.stride, l.pad > 0 ? l.pad : 'valid');
    return l.bias ? tf.add(y, this.v(`${l.key}.bias`)) : y;
  }

  private batchNorm(key: string, l: Pick<BatchNormLayer, 'eps' | 'momentum' | 'affine'>, x: tf.Tensor, o: ForwardOptions, stats?: BatchStats[]): tf.Tensor {
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (o.training) {
      const { y: normalised, mean: m, variance: v } = batchNormTrain(x, l.eps);
      if (stats !== undefined) {
        const count = x.shape[0]! * x.shape[1]! * x.shape[2]!;
        stats.push({ key, momentum: l.momentum, mean: m, variance: v, count });
      } else {
        tf.dispose([m, v]);
      }
      return l.affine ? tf.add(tf.mul(normalised, this.v(`${key}.weight`)), this.v(`${key}.bias`)) : normalised;
    } else {
      mean = this.v(`${key}.running_mean`);
      variance = this.v(`${key}.running_var`);
    }
    let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, l.eps)));
    if (l.affine) y = tf.add(tf.mul(y, this.v(`${key}.weight`)), this.v(`${key}.bias`));
    return y;
  }

  private soa(l: SoaLayer, x: tf.Tensor, o: ForwardOptions, stats?: BatchStats[]): tf.Tensor {
    const [b, hh, ww] = [x.shape[0]!, x.shape[1]!, x.shape[2]!];
    const n = hh * ww;
    const branch = (name: 'f' | 'g'): tf.Tensor => {
      const c = this.conv({ key: `${l.key}.${name}.0`, stride: 1, pad: 0, bias: true }, x);
      const bn = this.batchNorm(`${l.key}.${name}.1`, { eps: 1e-5, momentum: 0.1, affine: true }, c, o, stats);
      return tf.reshape(tf.relu(bn), [b, n, l.mid]);
    };
    const f = branch('f') as tf.Tensor3D;
    const g = branch('g') as tf.Tensor3D;
    const h = tf.reshape(this.conv({ key: `${l.key}.h`, stride: 1, pad: 0, bias: true }, x), [b, n, l.mid]) as tf.Tensor3D;
    const attn = tf.softmax(tf.mul(tf.matMul(f, g, false, true), l.mid ** -0.5), -1) as tf.Tensor3D;
    o.onAttention?.(l.after, attn);
    const z = tf.reshape(tf.matMul(attn, h), [b, hh, ww, l.mid]);
    return tf.add(this.conv({ key: `${l.key}.v`, stride: 1, pad: 0, bias: true }, z), x);
  }

  /** Fold one training step's batch statistics into the running statistics (PyTorch's update rule). */
  applyBatchStats(stats: BatchStats[]): void {
    for (const s of stats) {
      tf.tidy(() => {
        const rm = this.v(`${s.key}.running_mean`);
        const rv = this.v(`${s.key}.running_var`);
        const unbiased = tf.mul(s.variance, s.count / Math.max(1, s.count - 1));
        rm.assign(tf.add(tf.mul(rm, 1 - s.momentum), tf.mul(s.mean, s.momentum)));
        rv.assign(tf.add(tf.mul(rv, 1 - s.momentum), tf.mul(unbiased, s.momentum)));
      });
      s.mean.dispose();
      s.variance.dispose();
    }
  }

  /** The current parameters in PyTorch layout and key order. */
  stateDict(): StateDict {
    const sd: StateDict = new Map();
    for (const [key, v] of this.variables) sd.set(key, this.toTorchLayout(key, v));
    return sd;
  }

  /** A tensor shaped like variable `key` (e.g. its gradient) in PyTorch layout. */
  toTorchLayout(key: string, v: tf.Tensor): HostTensor {
    const shape = this.hostShapes.get(key);
    if (shape === undefined) throw new Error(`no variable ${key}`);
    const t = tf.tidy(() => {
      if (this.frnKeys.has(key)) return tf.reshape(v, shape);
      if (shape.length === 4) return tf.transpose(v, [3, 2, 0, 1]);
      if (shape.length === 2) return tf.transpose(v, [1, 0]);
      return tf.clone(v);
    });
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return { shape: [...shape], data };
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

/**
 * Training-mode BatchNorm without affine, `[B, H, W, C]`: y = (x - mean) / sqrt(var + eps) with
 * batch mean and biased variance over B, H, W, and the analytic gradient
 * dx = r * (dy - mean(dy) - y * mean(dy * y)), r = 1 / sqrt(var + eps).
 * The per-channel sums are matrix products with a ones row (one GEMM each), which on the wasm
 * backend is far faster than `tf.moments`/`sum` over leading axes (those transpose first).
 * Returns the batch statistics `[C]` too (not part of the gradient).
 */
export function batchNormTrain(x: tf.Tensor, eps: number): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (tf.getBackend() === 'wasm' && tf.getKernel(BATCH_NORM_TRAIN, 'wasm') !== undefined) return batchNormTrainFused(x, eps);
  const c = x.shape[x.shape.length - 1]!;
  const m = x.size / c;
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const body = (xIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const ones = tf.fill([1, m], 1 / m);
    const x2 = tf.reshape(xIn, [m, c]);
    const mu = tf.matMul(ones, x2);
    const xc = tf.sub(x2, mu);
    const v = tf.matMul(ones, tf.square(xc));
    const r = tf.rsqrt(tf.add(v, eps));
    const y2 = tf.mul(xc, r);
    // kept: customGrad disposes what its body creates, these leave with the result
    mean = tf.keep(tf.reshape(mu, [c]) as tf.Tensor1D);
    variance = tf.keep(tf.reshape(v, [c]) as tf.Tensor1D);
    save([y2, r, ones]);
    return {
      value: tf.reshape(y2, xIn.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ys, rs, on] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dy2 = tf.reshape(dy, [m, c]) as tf.Tensor2D;
        const mdy = tf.matMul(on, dy2);
        const mdyy = tf.matMul(on, tf.mul(dy2, ys) as tf.Tensor2D);
        return tf.reshape(tf.mul(rs, tf.sub(tf.sub(dy2, mdy), tf.mul(ys, mdyy))), dy.shape);
      },
    };
  };
  const y = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0])(x) as tf.Tensor;
  return { y, mean: mean!, variance: variance! };
}

/** `batchNormTrain` as the fused wasm kernels (backends/wasm-batch-norm.ts): same formulas, two kernels. */
function batchNormTrainFused(x: tf.Tensor, eps: number): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const body = (xIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, mu, v, r] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xIn }, { eps }) as tf.Tensor[];
    mean = tf.keep(mu as tf.Tensor1D);
    variance = tf.keep(v as tf.Tensor1D);
    save([y!, r!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, y: saved[0]!, rstd: saved[1]! }, {}) as tf.Tensor,
    };
  };
  const y = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0])(x) as tf.Tensor;
  return { y, mean: mean!, variance: variance! };
}

/**
 * Non-overlapping max pooling (kernel = stride, floor mode) as a reshape and a max: the same values
 * as `tf.maxPool`, but its gradient comes from `Max`, because the wasm backend's `MaxPoolGrad`
 * (tfjs 4.22) returns wrong input gradients (checked against the cpu backend and PyTorch).
 */
function blockMaxPool(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const oh = Math.floor(h / k);
  const ow = Math.floor(w / k);
  const cropped = oh * k === h && ow * k === w ? x : tf.slice(x, [0, 0, 0, 0], [b, oh * k, ow * k, c]);
  return tf.reshape(tf.max(tf.reshape(cropped, [b, oh, k, ow, k, c]), [2, 4]), [b, oh, ow, c]);
}

/** `[B, 1, P, P]` NCHW floats -> a `[B, P, P, 1]` tensor (the same memory order when C = 1). */
export function patchesToTensor(patches: Float32Array, batch: number, patchSize: number): tf.Tensor4D {
  return tf.tensor4d(patches, [batch, patchSize, patchSize, 1], 'float32');
}
