import { InputError } from '@descbench/core';

/**
 * Architecture of the CSA re-ranker (MCC-WH/CSA `network/RerankTransformer.py`, settings of
 * `experiment_rSfm120k.sh`). Inputs are affinity rows of length `anchors` (L); each becomes a
 * token of width `embedDim` (L').
 */
export interface CsaConfig {
  /** L: anchors per affinity row (`topk_dim` / `--sim_len`; paper 512). */
  anchors: number;
  /** L': token width (`--embed_dim`; paper 768). */
  embedDim: number;
  /** Transformer blocks (`--depth`; paper 2). */
  depth: number;
  /** Attention heads (`--num_heads`; paper 12); must divide embedDim. */
  heads: number;
  /** MLP hidden = mlpRatio x embedDim (`--mlp_ratio`; 4). */
  mlpRatio: number;
  /** Bias in the qkv projection (`--qkv_bias`; set in the paper's script). */
  qkvBias: boolean;
  /** Dropout on the input rows, after the projection, after attention/MLP outputs (`--drop_rate`; 0.1). */
  dropRate: number;
  /** Dropout on the attention weights (`--attn_drop_rate`; 0.1). */
  attnDropRate: number;
  /** Largest stochastic-depth rate; block i uses linspace(0, rate, depth)[i] (`--drop_path_rate`; 0.1). */
  dropPathRate: number;
  /** Softmax temperature of the contrastive term (`self.t`; 2). */
  temperature: number;
}

/** The paper's model (experiment_rSfm120k.sh). */
export const CSA_PAPER_CONFIG: CsaConfig = {
  anchors: 512,
  embedDim: 768,
  depth: 2,
  heads: 12,
  mlpRatio: 4,
  qkvBias: true,
  dropRate: 0.1,
  attnDropRate: 0.1,
  dropPathRate: 0.1,
  temperature: 2,
};

/** LayerNorm epsilon (torch.nn.LayerNorm default). */
export const CSA_LAYER_NORM_EPS = 1e-5;
/** F.normalize's epsilon (norms are clamped to at least this). */
export const CSA_NORMALIZE_EPS = 1e-12;

/** Drop-path rate of each block: torch.linspace(0, rate, depth) (block 0 never drops a path). */
export function csaDropPathRates(c: Pick<CsaConfig, 'depth' | 'dropPathRate'>): number[] {
  if (c.depth === 1) return [0];
  return Array.from({ length: c.depth }, (_, i) => (c.dropPathRate * i) / (c.depth - 1));
}

/** Validate a config; one InputError naming the field. */
export function checkCsaConfig(c: CsaConfig): CsaConfig {
  const positiveInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`csa: ${name} must be a positive integer, got ${v}`, { at: name });
  };
  positiveInt(c.anchors, 'anchors');
  positiveInt(c.embedDim, 'embedDim');
  positiveInt(c.depth, 'depth');
  positiveInt(c.heads, 'heads');
  if (c.embedDim % c.heads !== 0) throw new InputError(`csa: embedDim ${c.embedDim} is not a multiple of heads ${c.heads}`, { at: 'heads' });
  if (!(c.mlpRatio > 0) || !Number.isInteger(c.mlpRatio * c.embedDim)) throw new InputError(`csa: mlpRatio ${c.mlpRatio} must give an integer MLP width`, { at: 'mlpRatio' });
  for (const k of ['dropRate', 'attnDropRate', 'dropPathRate'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new InputError(`csa: ${k} must be in [0, 1), got ${c[k]}`, { at: k });
  }
  if (!(c.temperature > 0)) throw new InputError(`csa: temperature must be positive, got ${c.temperature}`, { at: 'temperature' });
  return c;
}
