import { InputError, SeededRng } from '@descbench/core';
import type { HostTensor, StateDict } from '@descbench/models';
import type { CsaConfig } from './config';

/** One parameter of the re-ranker: its PyTorch key (as in the authors' checkpoints) and shape. */
export interface CsaParam {
  key: string;
  shape: number[];
  /** Weight decay applies (the authors' `add_weight_decay`: not to 1-D tensors nor `.bias`). */
  decay: boolean;
  init: 'normal' | 'zeros' | 'ones';
}

/**
 * Parameters in `RerankTransformer` registration order. Linear weights are `[out, in]`.
 * `feature_align` (Linear(L' -> L)) only serves the reconstruction term in training. Its name is
 * in the code's `no_weight_decay` set, but that set is compared with full parameter names
 * (`feature_align.layers.0.weight`), so its weight is decayed all the same.
 */
export function csaParams(c: CsaConfig): CsaParam[] {
  const e = c.embedDim;
  const hidden = c.mlpRatio * e;
  const out: CsaParam[] = [];
  const linear = (key: string, o: number, i: number, bias = true): void => {
    out.push({ key: `${key}.weight`, shape: [o, i], decay: true, init: 'normal' });
    if (bias) out.push({ key: `${key}.bias`, shape: [o], decay: false, init: 'zeros' });
  };
  const norm = (key: string): void => {
    out.push({ key: `${key}.weight`, shape: [e], decay: false, init: 'ones' });
    out.push({ key: `${key}.bias`, shape: [e], decay: false, init: 'zeros' });
  };
  linear('topk_proj', e, c.anchors);
  linear('feature_align.layers.0', c.anchors, e);
  for (let b = 0; b < c.depth; b++) {
    norm(`blocks.${b}.norm1`);
    linear(`blocks.${b}.attn.qkv`, 3 * e, e, c.qkvBias);
    linear(`blocks.${b}.attn.proj`, e, e);
    norm(`blocks.${b}.norm2`);
    linear(`blocks.${b}.mlp.fc1`, hidden, e);
    linear(`blocks.${b}.mlp.fc2`, e, hidden);
  }
  return out;
}

/**
 * Seeded initial weights as `_init_weights` draws them: Linear weights from a normal with std
 * 0.02 truncated to [-2, 2] (absolute bounds, as timm's trunc_normal_ is called), biases 0,
 * LayerNorm weight 1 and bias 0. The stream is xoroshiro128+ (core's SeededRng), so a seed gives
 * the same weights everywhere (not PyTorch's numbers).
 */
export function initCsaStateDict(c: CsaConfig, seed: number): StateDict {
  const rng = new SeededRng(seed);
  const sd: StateDict = new Map();
  for (const p of csaParams(c)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (p.init === 'ones') data.fill(1);
    else if (p.init === 'normal') {
      for (let i = 0; i < n; i++) {
        let v = rng.normal() * 0.02;
        while (v < -2 || v > 2) v = rng.normal() * 0.02;
        data[i] = v;
      }
    }
    sd.set(p.key, { shape: p.shape, data });
  }
  return sd;
}

/**
 * Check a state dict (e.g. an authors' checkpoint read by models' torch reader) against a config:
 * same keys and shapes; throws one InputError listing the differences.
 */
export function checkCsaStateDict(c: CsaConfig, sd: StateDict, file?: string): StateDict {
  const problems: string[] = [];
  const out: StateDict = new Map();
  const want = csaParams(c);
  for (const p of want) {
    const t: HostTensor | undefined = sd.get(p.key);
    if (t === undefined) problems.push(`missing ${p.key}`);
    else if (t.shape.length !== p.shape.length || t.shape.some((s, i) => s !== p.shape[i])) {
      problems.push(`${p.key} has shape [${t.shape.join(', ')}], expected [${p.shape.join(', ')}]`);
    } else out.set(p.key, t);
  }
  const known = new Set(want.map((p) => p.key));
  const extra = [...sd.keys()].filter((k) => !known.has(k));
  if (extra.length > 0) problems.push(`unexpected ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`);
  if (problems.length > 0) throw new InputError(`csa weights do not fit the config: ${problems.join('; ')}`, file !== undefined ? { file } : {});
  return out;
}
