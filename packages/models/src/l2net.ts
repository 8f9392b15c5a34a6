import type { Layer, NetSpec } from './spec';
import type { WeightsTable } from './types';

/**
 * The L2-Net body (Tian et al. 2017) shared by HardNet, SOSNet and SOLAR's SOSNet+:
 * conv3x3 32, 32, 64/s2, 64, 128/s2, 128, each + BatchNorm(affine=False) + ReLU, no conv bias;
 * dropout; conv8x8 128->128 + BatchNorm(affine=False); L2 normalisation.
 * The variants differ in input normalisation, dropout rate/position, state-dict key layout and
 * the exact L2 formula; each is built here under its own name.
 */

export const HARDNET_WEIGHTS = {
  liberty: {
    urls: ['https://github.com/DagnyT/hardnet/raw/master/pretrained/train_liberty_with_aug/checkpoint_liberty_with_aug.pth'],
    format: 'torch-legacy',
    stateDictKey: 'state_dict',
    trainedOn: 'ubc/liberty (with augmentation)',
    license: 'MIT',
  },
  plus: {
    urls: ['https://github.com/DagnyT/hardnet/raw/master/pretrained/pretrained_all_datasets/HardNet++.pth'],
    format: 'torch-legacy',
    stateDictKey: 'state_dict',
    trainedOn: 'ubc/all + hpatches',
    license: 'MIT',
  },
} satisfies WeightsTable;

export const SOSNET_WEIGHTS = {
  liberty: {
    urls: ['https://github.com/yuruntian/SOSNet/raw/master/sosnet-weights/sosnet_32x32_liberty.pth'],
    format: 'torch-zip',
    trainedOn: 'ubc/liberty',
  },
  hp_a: {
    urls: ['https://github.com/yuruntian/SOSNet/raw/master/sosnet-weights/sosnet_32x32_hpatches_a.pth'],
    format: 'torch-zip',
    trainedOn: 'hpatches split a',
  },
} satisfies WeightsTable;

/** SOLAR's released local weights exist for `soa_layers = '345'` (file name `solar_local345-<set>.pth`). */
export const SOLAR_LOCAL_WEIGHTS = {
  liberty: {
    urls: ['https://github.com/tonyngjichun/SOLAR/raw/master/solar_local/weights/solar_local345-liberty.pth'],
    format: 'torch-zip',
    trainedOn: 'ubc/liberty',
  },
} satisfies WeightsTable;

const CHANNELS = [32, 32, 64, 64, 128, 128] as const;
const STRIDES = [1, 1, 2, 1, 2, 1] as const;

/**
 * SOA block width reduction k as released (`SOABlock(64, 4)`, `SOABlock(128, 2)`). The release
 * defines no block for the 32-channel layers 1-2; for those we use k = 4 (stated, not released).
 */
function soaWidthReduction(channels: number): number {
  return channels >= 128 ? 2 : 4;
}

interface BodyOptions {
  arch: string;
  /** `[conv key, bn key]` of L2-Net layer i (1..7). */
  keys: (i: number) => [string, string];
  inputNorm: Layer;
  dropout: number;
  /** HardNet/SOSNet drop before the final conv; SOLAR after its BatchNorm. */
  dropoutAt: 'beforeFinalConv' | 'afterFinalBn';
  l2: Layer;
  soaAfter?: number[];
}

function l2netBody(o: BodyOptions): NetSpec {
  const layers: Layer[] = [o.inputNorm];
  const groups: { start: number; label: string }[] = [{ start: 0, label: 'input norm' }];
  let cin = 1;
  for (let i = 1; i <= 6; i++) {
    const [convKey, bnKey] = o.keys(i);
    const c = CHANNELS[i - 1]!;
    const s = STRIDES[i - 1]!;
    groups.push({ start: layers.length, label: `conv${i} 3x3 ${cin}->${c}${s > 1 ? '/s2' : ''}` });
    layers.push({ op: 'conv', key: convKey, cin, cout: c, k: 3, stride: s, pad: 1, bias: false });
    layers.push({ op: 'batchNorm', key: bnKey, c, eps: 1e-5, momentum: 0.1, affine: false });
    layers.push({ op: 'relu' });
    if (o.soaAfter?.includes(i)) {
      const k = soaWidthReduction(c);
      groups.push({ start: layers.length, label: `SOA${i} (C=${c}, k=${k})` });
      layers.push({ op: 'soa', key: `soa${i}`, c, mid: c / k, after: i });
    }
    cin = c;
  }
  const [convKey, bnKey] = o.keys(7);
  groups.push({ start: layers.length, label: 'conv7 8x8 128->128' });
  if (o.dropoutAt === 'beforeFinalConv' && o.dropout > 0) layers.push({ op: 'dropout', rate: o.dropout });
  layers.push({ op: 'conv', key: convKey, cin: 128, cout: 128, k: 8, stride: 1, pad: 0, bias: false });
  layers.push({ op: 'batchNorm', key: bnKey, c: 128, eps: 1e-5, momentum: 0.1, affine: false });
  if (o.dropoutAt === 'afterFinalBn' && o.dropout > 0) layers.push({ op: 'dropout', rate: o.dropout });
  layers.push({ op: 'flatten' }, o.l2);
  return { arch: o.arch, patchSize: 32, dim: 128, layers, groups };
}

/** `nn.Sequential` index layout: one flat list, 3 modules per layer after an optional leading input norm. */
const sequentialKeys =
  (prefix: string, first: number, finalConv: number) =>
  (i: number): [string, string] =>
    i <= 6 ? [`${prefix}.${first + 3 * (i - 1)}`, `${prefix}.${first + 3 * (i - 1) + 1}`] : [`${prefix}.${finalConv}`, `${prefix}.${finalConv + 1}`];

const LRN_L2 = { op: 'l2Normalize', shift: 1e-10, eps: 0 } as const;

/** L2-Net body with SOSNet's layout and InstanceNorm input, no dropout. Shape `[B,1,32,32]` -> `[B,128]`. */
export function l2netSpec(): NetSpec {
  return l2netBody({
    arch: 'l2net',
    keys: sequentialKeys('layers', 1, 20),
    inputNorm: { op: 'instanceNorm', eps: 1e-5 },
    dropout: 0,
    dropoutAt: 'beforeFinalConv',
    l2: LRN_L2,
  });
}

/**
 * HardNet (Mishchuk et al. 2017, DagnyT/hardnet): per-patch (x - mean) / (unbiased std + 1e-7),
 * keys `features.0..20`, dropout 0.3 before the final conv, `L2Norm` = x / sqrt(sum x^2 + 1e-10).
 */
export function hardnetSpec(): NetSpec {
  return l2netBody({
    arch: 'hardnet',
    keys: (i) => (i <= 6 ? [`features.${3 * (i - 1)}`, `features.${3 * (i - 1) + 1}`] : ['features.19', 'features.20']),
    inputNorm: { op: 'patchStandardize', eps: 1e-7 },
    dropout: 0.3,
    dropoutAt: 'beforeFinalConv',
    l2: { op: 'l2Normalize', shift: 0, eps: 1e-10 },
  });
}

/** SOSNet (Tian et al. 2019, yuruntian/SOSNet): InstanceNorm input, keys `layers.*`, dropout 0.1. */
export function sosnetSpec(): NetSpec {
  return l2netBody({
    arch: 'sosnet',
    keys: sequentialKeys('layers', 1, 20),
    inputNorm: { op: 'instanceNorm', eps: 1e-5 },
    dropout: 0.1,
    dropoutAt: 'beforeFinalConv',
    l2: LRN_L2,
  });
}

/**
 * SOLAR's local descriptor (SOSNet+, Ng et al. 2020, `solar_local/models/model.py`): keys
 * `layer1.1`/`layer1.2`, `layerN.0`/`layerN.1`, dropout 0.1 after the final BatchNorm, optional
 * SOA blocks `soaN` after L2-Net layers `soaAfter` (released k: 4 at 64 channels, 2 at 128).
 */
export function sosnetPlusSpec(soaAfter: number[] = []): NetSpec {
  const sorted = [...new Set(soaAfter)].sort((a, b) => a - b);
  for (const i of sorted) {
    if (!Number.isInteger(i) || i < 1 || i > 6) throw new RangeError(`SOA block after L2-Net layer ${i}: layers are 1..6`);
  }
  return l2netBody({
    arch: sorted.length > 0 ? `sosnet+soa${sorted.join('')}` : 'sosnet+',
    keys: (i) => (i === 1 ? ['layer1.1', 'layer1.2'] : [`layer${i}.0`, `layer${i}.1`]),
    inputNorm: { op: 'instanceNorm', eps: 1e-5 },
    dropout: 0.1,
    dropoutAt: 'afterFinalBn',
    l2: LRN_L2,
    soaAfter: sorted,
  });
}
