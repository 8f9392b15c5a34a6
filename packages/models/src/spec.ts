/**
 * A descriptor network as data: an ordered list of layers in PyTorch's NCHW semantics, each
 * naming the PyTorch state-dict prefix of its parameters. One spec drives the tfjs forward pass
 * (`tfjs-net.ts`), the ONNX graph (`onnx-graph.ts`), the parameter table (`params.ts`) and the
 * checkpoint key check (`state-dict.ts`), so the four cannot drift apart.
 */

/** Per-patch, per-channel standardisation with biased variance (PyTorch `InstanceNorm2d(affine=False)`). */
export interface InstanceNormLayer {
  op: 'instanceNorm';
  eps: number;
}
/** HardNet's `input_norm`: (x - mean) / (unbiased std + eps) over the whole patch. */
export interface PatchStandardizeLayer {
  op: 'patchStandardize';
  eps: number;
}
/** 2-D convolution, symmetric explicit zero padding. Weight `[Cout, Cin, k, k]`. */
export interface ConvLayer {
  op: 'conv';
  key: string;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  bias: boolean;
}
/** BatchNorm2d; `affine: false` means no weight/bias (running statistics only). */
export interface BatchNormLayer {
  op: 'batchNorm';
  key: string;
  c: number;
  eps: number;
  momentum: number;
  affine: boolean;
}
/** Filter Response Normalisation: x * rsqrt(mean_HW(x^2) + |eps|), then weight * x + bias. */
export interface FrnLayer {
  op: 'frn';
  key: string;
  c: number;
  eps: number;
}
/** Thresholded linear unit: max(x, tau), tau per channel. */
export interface TluLayer {
  op: 'tlu';
  key: string;
  c: number;
  tauInit: number;
}
export interface ActivationLayer {
  op: 'relu' | 'tanh';
}
export interface MaxPoolLayer {
  op: 'maxPool';
  k: number;
  stride: number;
}
export interface DropoutLayer {
  op: 'dropout';
  rate: number;
}
/** `x.view(B, -1)` of an NCHW tensor (channel-major order). */
export interface FlattenLayer {
  op: 'flatten';
}
export interface LinearLayer {
  op: 'linear';
  key: string;
  cin: number;
  cout: number;
  bias: boolean;
}
/**
 * Row-wise L2 normalisation of the flattened descriptor: y = (x + shift) / sqrt(sum (x + shift)^2 + eps).
 * SOSNet/HyNet/SOLAR (LocalResponseNorm form): shift 1e-10, eps 0. HardNet's `L2Norm`: shift 0, eps 1e-10.
 */
export interface L2NormalizeLayer {
  op: 'l2Normalize';
  shift: number;
  eps: number;
}
/**
 * SOLAR's second-order attention block on a `[B, C, H, W]` map (released `soa_block.py`):
 * f, g = conv1x1(C->mid, bias) + BatchNorm(mid, affine) + ReLU; h = conv1x1(C->mid, bias);
 * attn = softmax(mid^-1/2 * f^T g) over positions; out = v(h attn^T) + x, v = conv1x1(mid->C, bias),
 * zero-initialised.
 */
export interface SoaLayer {
  op: 'soa';
  key: string;
  c: number;
  mid: number;
  /** Which L2-Net layer it follows (for tables and attention maps). */
  after: number;
}

export type Layer =
  | InstanceNormLayer
  | PatchStandardizeLayer
  | ConvLayer
  | BatchNormLayer
  | FrnLayer
  | TluLayer
  | ActivationLayer
  | MaxPoolLayer
  | DropoutLayer
  | FlattenLayer
  | LinearLayer
  | L2NormalizeLayer
  | SoaLayer;

export interface NetSpec {
  /** Architecture name as registered (`hardnet`, `sosnet+soa345`). */
  arch: string;
  patchSize: number;
  dim: number;
  layers: Layer[];
  /** Human names of layer groups for parameter tables: index of first layer -> label. */
  groups?: { start: number; label: string }[];
}

/** A parameter or buffer the spec expects in a state dict. */
export interface ParamSpec {
  key: string;
  shape: number[];
  /** Learnable (counted in parameter tables) or a buffer (running statistics, FRN eps). */
  trainable: boolean;
  init: ParamInit;
  /** Index of the layer owning it. */
  layer: number;
}

export type ParamInit =
  | { kind: 'const'; value: number }
  /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)), PyTorch's default for conv/linear weights and biases. */
  | { kind: 'uniformFanIn'; fanIn: number };

/** Every parameter and buffer of a spec in PyTorch `state_dict()` order (minus `num_batches_tracked`). */
export function paramSpecs(spec: NetSpec): ParamSpec[] {
  const out: ParamSpec[] = [];
  spec.layers.forEach((l, layer) => {
    const add = (key: string, shape: number[], trainable: boolean, init: ParamInit): void => {
      out.push({ key, shape, trainable, init, layer });
    };
    switch (l.op) {
      case 'conv': {
        const fanIn = l.cin * l.k * l.k;
        add(`${l.key}.weight`, [l.cout, l.cin, l.k, l.k], true, { kind: 'uniformFanIn', fanIn });
        if (l.bias) add(`${l.key}.bias`, [l.cout], true, { kind: 'uniformFanIn', fanIn });
        break;
      }
      case 'batchNorm':
        if (l.affine) {
          add(`${l.key}.weight`, [l.c], true, { kind: 'const', value: 1 });
          add(`${l.key}.bias`, [l.c], true, { kind: 'const', value: 0 });
        }
        add(`${l.key}.running_mean`, [l.c], false, { kind: 'const', value: 0 });
        add(`${l.key}.running_var`, [l.c], false, { kind: 'const', value: 1 });
        break;
      case 'frn':
        add(`${l.key}.weight`, [1, l.c, 1, 1], true, { kind: 'const', value: 1 });
        add(`${l.key}.bias`, [1, l.c, 1, 1], true, { kind: 'const', value: 0 });
        add(`${l.key}.eps`, [1], false, { kind: 'const', value: l.eps });
        break;
      case 'tlu':
        add(`${l.key}.tau`, [1, l.c, 1, 1], true, { kind: 'const', value: l.tauInit });
        break;
      case 'linear':
        add(`${l.key}.weight`, [l.cout, l.cin], true, { kind: 'uniformFanIn', fanIn: l.cin });
        if (l.bias) add(`${l.key}.bias`, [l.cout], true, { kind: 'uniformFanIn', fanIn: l.cin });
        break;
      case 'soa': {
        for (const b of ['f', 'g']) {
          add(`${l.key}.${b}.0.weight`, [l.mid, l.c, 1, 1], true, { kind: 'uniformFanIn', fanIn: l.c });
          add(`${l.key}.${b}.0.bias`, [l.mid], true, { kind: 'uniformFanIn', fanIn: l.c });
          add(`${l.key}.${b}.1.weight`, [l.mid], true, { kind: 'const', value: 1 });
          add(`${l.key}.${b}.1.bias`, [l.mid], true, { kind: 'const', value: 0 });
          add(`${l.key}.${b}.1.running_mean`, [l.mid], false, { kind: 'const', value: 0 });
          add(`${l.key}.${b}.1.running_var`, [l.mid], false, { kind: 'const', value: 1 });
        }
        add(`${l.key}.h.weight`, [l.mid, l.c, 1, 1], true, { kind: 'uniformFanIn', fanIn: l.c });
        add(`${l.key}.h.bias`, [l.mid], true, { kind: 'uniformFanIn', fanIn: l.c });
        add(`${l.key}.v.weight`, [l.c, l.mid, 1, 1], true, { kind: 'const', value: 0 });
        add(`${l.key}.v.bias`, [l.c], true, { kind: 'const', value: 0 });
        break;
      }
      default:
        break;
    }
  });
  return out;
}

/** Static `[C, H, W]` after each layer for a `[B, 1, patchSize, patchSize]` input (flattened: `[N, 1, 1]`). */
export function layerShapes(spec: NetSpec): [number, number, number][] {
  let c = 1;
  let h = spec.patchSize;
  let w = spec.patchSize;
  return spec.layers.map((l) => {
    if (l.op === 'conv') {
      c = l.cout;
      h = Math.floor((h + 2 * l.pad - l.k) / l.stride) + 1;
      w = Math.floor((w + 2 * l.pad - l.k) / l.stride) + 1;
    } else if (l.op === 'maxPool') {
      h = Math.floor((h - l.k) / l.stride) + 1;
      w = Math.floor((w - l.k) / l.stride) + 1;
    } else if (l.op === 'flatten') {
      c = c * h * w;
      h = 1;
      w = 1;
    } else if (l.op === 'linear') {
      c = l.cout;
    }
    return [c, h, w];
  });
}
