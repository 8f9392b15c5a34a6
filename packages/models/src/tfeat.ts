import type { NetSpec } from './spec';
import type { WeightsTable } from './types';

/**
 * TFeat (Balntas et al., BMVC 2016), the authors' PyTorch definition: InstanceNorm; conv7x7 1->32
 * + tanh; maxpool 2; conv6x6 32->64 + tanh; linear 4096->128 + tanh. No L2 normalisation.
 * State-dict keys `features.1.*`, `features.4.*`, `descr.0.*`.
 */
export const TFEAT_WEIGHTS = {
  liberty: {
    urls: ['https://github.com/vbalnt/tfeat/raw/master/pretrained-models/tfeat-liberty.params'],
    format: 'torch-legacy',
    trainedOn: 'ubc/liberty',
    license: 'MIT',
  },
  notredame: {
    urls: ['https://github.com/vbalnt/tfeat/raw/master/pretrained-models/tfeat-notredame.params'],
    format: 'torch-legacy',
    trainedOn: 'ubc/notredame',
    license: 'MIT',
  },
  yosemite: {
    urls: ['https://github.com/vbalnt/tfeat/raw/master/pretrained-models/tfeat-yosemite.params'],
    format: 'torch-legacy',
    trainedOn: 'ubc/yosemite',
    license: 'MIT',
  },
} satisfies WeightsTable;

/** Shape: in `[B, 1, 32, 32]` -> out `[B, 128]` in (-1, 1). */
export function tfeatSpec(): NetSpec {
  return {
    arch: 'tfeat',
    patchSize: 32,
    dim: 128,
    layers: [
      { op: 'instanceNorm', eps: 1e-5 },
      { op: 'conv', key: 'features.1', cin: 1, cout: 32, k: 7, stride: 1, pad: 0, bias: true },
      { op: 'tanh' },
      { op: 'maxPool', k: 2, stride: 2 },
      { op: 'conv', key: 'features.4', cin: 32, cout: 64, k: 6, stride: 1, pad: 0, bias: true },
      { op: 'tanh' },
      { op: 'flatten' },
      { op: 'linear', key: 'descr.0', cin: 64 * 8 * 8, cout: 128, bias: true },
      { op: 'tanh' },
    ],
    groups: [
      { start: 0, label: 'conv1 7x7 32' },
      { start: 4, label: 'conv2 6x6 64' },
      { start: 6, label: 'fc 4096->128' },
    ],
  };
}
