import type { Layer, NetSpec } from './spec';
import type { WeightsTable } from './types';

/**
 * HyNet (Tian et al., NeurIPS 2020): FRN + TLU on the input; six conv3x3 (with bias) each + FRN +
 * TLU; dropout 0.3; conv8x8 (no bias) + BatchNorm(128, affine=False); L2 normalisation
 * (LocalResponseNorm form). FRN: x * rsqrt(mean_HW(x^2) + |eps|), eps = 1e-6 (a buffer), then
 * weight * x + bias; TLU: max(x, tau), tau initialised to -1.
 */
export const HYNET_WEIGHTS = {
  liberty: {
    urls: ['https://github.com/ducha-aiki/Key.Net-Pytorch/raw/main/model/HyNet/weights/HyNet_LIB.pth'],
    format: 'torch-zip',
    trainedOn: 'ubc/liberty',
  },
  notredame: {
    urls: ['https://github.com/ducha-aiki/Key.Net-Pytorch/raw/main/model/HyNet/weights/HyNet_ND.pth'],
    format: 'torch-zip',
    trainedOn: 'ubc/notredame',
  },
  yosemite: {
    urls: ['https://github.com/ducha-aiki/Key.Net-Pytorch/raw/main/model/HyNet/weights/HyNet_YOS.pth'],
    format: 'torch-zip',
    trainedOn: 'ubc/yosemite',
  },
} satisfies WeightsTable;

const CHANNELS = [32, 32, 64, 64, 128, 128] as const;
const STRIDES = [1, 1, 2, 1, 2, 1] as const;

/** Shape: in `[B, 1, 32, 32]` -> out `[B, 128]`, rows L2-normalised. */
export function hynetSpec(): NetSpec {
  return hynetNet(
    'hynet',
    { label: 'input FRN+TLU', layers: [{ op: 'frn', key: 'layer1.0', c: 1, eps: 1e-6 }, { op: 'tlu', key: 'layer1.1', c: 1, tauInit: -1 }] },
    'FRN + TLU',
    (key, c) => [
      { op: 'frn', key: key(1), c, eps: 1e-6 },
      { op: 'tlu', key: key(2), c, tauInit: -1 },
    ],
  );
}

/**
 * HyNet's Table 3 "norm type" ablation: HyNet with every FRN + TLU of the body replaced by
 * `BatchNorm2d(affine=False)` + ReLU (`bn`, L2-Net's layer) or `InstanceNorm2d(affine=False)` +
 * ReLU (`in`). The input FRN + TLU becomes L2-Net/SOSNet's InstanceNorm input; convolutions keep
 * HyNet's biases and key layout; the final conv + BatchNorm and the L2 normalisation are HyNet's.
 * The paper does not print these two networks: this is our reading of "norm type: BN / IN".
 * Shape: `[B, 1, 32, 32]` -> `[B, 128]`.
 */
export function hynetNormVariantSpec(norm: 'bn' | 'in'): NetSpec {
  return hynetNet(`hynet-${norm}`, { label: 'input InstanceNorm', layers: [{ op: 'instanceNorm', eps: 1e-5 }] }, `${norm.toUpperCase()} + ReLU`, (key, c) => [
    norm === 'bn' ? { op: 'batchNorm', key: key(1), c, eps: 1e-5, momentum: 0.1, affine: false } : { op: 'instanceNorm', eps: 1e-5 },
    { op: 'relu' },
  ]);
}

/**
 * HyNet's layout with a given input normalisation and per-conv normalisation: six conv3x3 (with
 * bias; `layer<i>.<base>`, where layer1's convolution comes after its two input modules), each
 * followed by `norm(key, channels)` (`key(k)` names the k-th module after the convolution);
 * dropout 0.3; conv8x8 (no bias) + BatchNorm(128, affine=False); L2 normalisation.
 */
function hynetNet(arch: string, input: { label: string; layers: Layer[] }, normLabel: string, norm: (key: (k: number) => string, c: number) => Layer[]): NetSpec {
  const layers: Layer[] = [...input.layers];
  const groups = [{ start: 0, label: input.label }];
  let cin = 1;
  for (let i = 1; i <= 6; i++) {
    const c = CHANNELS[i - 1]!;
    const base = i === 1 ? 2 : 0;
    groups.push({ start: layers.length, label: `conv${i} 3x3 ${cin}->${c}${STRIDES[i - 1]! > 1 ? '/s2' : ''} + ${normLabel}` });
    layers.push({ op: 'conv', key: `layer${i}.${base}`, cin, cout: c, k: 3, stride: STRIDES[i - 1]!, pad: 1, bias: true }, ...norm((k) => `layer${i}.${base + k}`, c));
    cin = c;
  }
  groups.push({ start: layers.length, label: 'conv7 8x8 128->128' });
  layers.push(
    { op: 'dropout', rate: 0.3 },
    { op: 'conv', key: 'layer7.1', cin: 128, cout: 128, k: 8, stride: 1, pad: 0, bias: false },
    { op: 'batchNorm', key: 'layer7.2', c: 128, eps: 1e-5, momentum: 0.1, affine: false },
    { op: 'flatten' },
    { op: 'l2Normalize', shift: 1e-10, eps: 0 },
  );
  return { arch, patchSize: 32, dim: 128, layers, groups };
}
