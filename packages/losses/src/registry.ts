import * as tf from '@tensorflow/tfjs-core';
import { InputError, Registry } from '@descbench/core';
import { CONTRASTIVE_DEFAULTS, contrastiveLoss } from './contrastive';
import { CSA_DEFAULTS, csaContrastiveLoss, csaLoss, csaReconstructionLoss } from './csa';
import { HARDNET_DEFAULTS, hardnetLoss } from './hardnet';
import {
  HYNET_A_DEFAULTS,
  HYNET_B_DEFAULTS,
  HYNET_DEFAULTS,
  hynetLoss,
  hynetLossA,
  hynetLossB,
  hynetTripletInnerProduct,
  hynetTripletL2,
  l2NormRegulariser,
} from './hynet';
import { TFEAT_DEFAULTS, tfeatLoss } from './tfeat';
import { SOLAR_DEFAULTS, solarLoss, solarSecondOrderLoss, solarTripletLoss } from './solar';
import { SOSNET_DEFAULTS, SOS_DEFAULTS, sosRegulariser, sosnetLoss } from './sos';

/** A loss input: a tensor, or (for tuple labels) plain numbers. */
export type LossInput = tf.Tensor | ArrayLike<number>;

export interface LossInputSpec {
  name: string;
  /** Shape in words, e.g. `[N, D] float32, rows L2-normalised`. */
  shape: string;
  optional?: boolean;
}

/** One registered loss: its inputs by name, its defaults, and where its semantics come from. */
export interface LossEntry {
  description: string;
  /** The reference file (repository and path) or paper equation it follows. */
  source: string;
  inputs: readonly LossInputSpec[];
  /** Default options; options without a default (e.g. a margin the paper does not print) are required. */
  defaults: Readonly<object>;
  compute(inputs: Readonly<Record<string, LossInput | undefined>>, options?: Readonly<Record<string, unknown>>): tf.Scalar;
}

const PAIRS: LossInputSpec[] = [
  { name: 'anchors', shape: '[N, D] float32, rows L2-normalised' },
  { name: 'positives', shape: '[N, D] float32, rows L2-normalised' },
];
const RAW: LossInputSpec[] = [
  { name: 'rawAnchors', shape: '[N, D] float32, before L2 normalisation (needed unless gamma = 0)', optional: true },
  { name: 'rawPositives', shape: '[N, D] float32, before L2 normalisation (needed unless gamma = 0)', optional: true },
];
const TUPLES: LossInputSpec[] = [
  { name: 'descriptors', shape: '[Q*S, D] float32 rows, tuples (q, p, n1..)' },
  { name: 'labels', shape: '[Q*S] of -1 (query), 1 (positive), 0 (negative)' },
];

function tensorInput<T extends tf.Tensor>(inputs: Readonly<Record<string, LossInput | undefined>>, name: string, loss: string): T {
  const v = inputs[name];
  if (!(v instanceof tf.Tensor)) throw new InputError(`${loss}: input ${name} must be a tensor`, { at: name });
  return v as T;
}

function optionalTensor<T extends tf.Tensor>(inputs: Readonly<Record<string, LossInput | undefined>>, name: string, loss: string): T | undefined {
  return inputs[name] === undefined ? undefined : tensorInput<T>(inputs, name, loss);
}

function labelsInput(inputs: Readonly<Record<string, LossInput | undefined>>, loss: string): LossInput {
  const v = inputs.labels;
  if (v === undefined) throw new InputError(`${loss}: input labels is missing`, { at: 'labels' });
  return v;
}

type Opts = Record<string, unknown>;
const pairsOf = (i: Readonly<Record<string, LossInput | undefined>>, loss: string): [tf.Tensor2D, tf.Tensor2D] => [
  tensorInput<tf.Tensor2D>(i, 'anchors', loss),
  tensorInput<tf.Tensor2D>(i, 'positives', loss),
];
const rawOf = (i: Readonly<Record<string, LossInput | undefined>>, loss: string): [tf.Tensor2D | undefined, tf.Tensor2D | undefined] => [
  optionalTensor<tf.Tensor2D>(i, 'rawAnchors', loss),
  optionalTensor<tf.Tensor2D>(i, 'rawPositives', loss),
];

/**
 * Every loss by name. Registrations are explicit here (no import side effects); `LOSSES.get(name)`
 * fails with near-miss suggestions on unknown names.
 */
export const LOSSES = new Registry<LossEntry>('loss')
  .register('hardnet', {
    description: 'HardNet hardest-in-batch triplet margin loss (anchor swap, 0.008 false-negative mask)',
    source: 'DagnyT/hardnet code/Losses.py loss_HardNet',
    inputs: PAIRS,
    defaults: HARDNET_DEFAULTS,
    compute: (i, o) => hardnetLoss(...pairsOf(i, 'hardnet'), o as Opts),
  })
  .register('tfeat', {
    description: 'TFeat triplet margin loss with in-triplet anchor swap (given negatives, margin 1)',
    source: 'Balntas et al., BMVC 2016 (TFeat), Sec. 3; as torch.nn.functional.triplet_margin_loss(swap=True)',
    inputs: [...PAIRS, { name: 'negatives', shape: '[N, D] float32, one negative per pair, rows L2-normalised' }],
    defaults: TFEAT_DEFAULTS,
    compute: (i, o) =>
      tfeatLoss(tensorInput<tf.Tensor2D>(i, 'anchors', 'tfeat'), tensorInput<tf.Tensor2D>(i, 'positives', 'tfeat'), tensorInput<tf.Tensor2D>(i, 'negatives', 'tfeat'), o as Opts),
  })
  .register('sos', {
    description: 'SOSNet second-order similarity regulariser (kNN graphs, k = 8)',
    source: 'yuruntian/HyNet train.py Loss_SOSNet.sos_loss (SOSNet authors)',
    inputs: PAIRS,
    defaults: SOS_DEFAULTS,
    compute: (i, o) => sosRegulariser(...pairsOf(i, 'sos'), o as Opts),
  })
  .register('sosnet', {
    description: 'SOSNet loss: squared hardest-in-batch first-order triplet + SOS regulariser',
    source: 'yuruntian/HyNet train.py Loss_SOSNet',
    inputs: PAIRS,
    defaults: SOSNET_DEFAULTS,
    compute: (i, o) => sosnetLoss(...pairsOf(i, 'sosnet'), o as Opts),
  })
  .register('hynet', {
    description: 'HyNet hybrid-similarity triplet loss + L2-norm regulariser (alpha 2, margin 1.2, gamma 0.1)',
    source: 'yuruntian/HyNet train.py Loss_HyNet; HyNet paper eq. 5-7',
    inputs: [...PAIRS, ...RAW],
    defaults: HYNET_DEFAULTS,
    compute: (i, o) => hynetLoss(...pairsOf(i, 'hynet'), ...rawOf(i, 'hynet'), o as Opts),
  })
  .register('hynet-a', {
    description: 'HyNet paper alternative L_A: inner product for positives, L2 for negatives (m_A = 1.0)',
    source: 'HyNet paper eq. 9 (mining and regulariser of train.py Loss_HyNet)',
    inputs: [...PAIRS, ...RAW],
    defaults: HYNET_A_DEFAULTS,
    compute: (i, o) => hynetLossA(...pairsOf(i, 'hynet-a'), ...rawOf(i, 'hynet-a'), o as Opts),
  })
  .register('hynet-b', {
    description: 'HyNet paper alternative L_B: stacked inner-product and L2 triplets (alpha 2, m_B1 0.9, m_B2 1.2)',
    source: 'HyNet paper eq. 9 (mining and regulariser of train.py Loss_HyNet)',
    inputs: [...PAIRS, ...RAW],
    defaults: HYNET_B_DEFAULTS,
    compute: (i, o) => hynetLossB(...pairsOf(i, 'hynet-b'), ...rawOf(i, 'hynet-b'), o as Opts),
  })
  .register('hynet-s', {
    description: 'Triplet loss with the inner product (HyNet Table 3 row s); margin required',
    source: 'HyNet paper Table 3 (mining and regulariser of train.py Loss_HyNet)',
    inputs: [...PAIRS, ...RAW],
    defaults: { gamma: 0.1, reduction: 'sum' },
    compute: (i, o) =>
      hynetTripletInnerProduct(...pairsOf(i, 'hynet-s'), ...rawOf(i, 'hynet-s'), (o ?? {}) as Opts & { margin: number }),
  })
  .register('hynet-d', {
    description: 'Triplet loss with the L2 distance (HyNet Table 3 row d); margin required',
    source: 'HyNet paper Table 3 (mining and regulariser of train.py Loss_HyNet)',
    inputs: [...PAIRS, ...RAW],
    defaults: { gamma: 0.1, reduction: 'sum' },
    compute: (i, o) => hynetTripletL2(...pairsOf(i, 'hynet-d'), ...rawOf(i, 'hynet-d'), (o ?? {}) as Opts & { margin: number }),
  })
  .register('l2-norm', {
    description: 'HyNet L2-norm regulariser on raw descriptors (gamma 0.1)',
    source: 'yuruntian/HyNet train.py norm_loss_pos; HyNet paper eq. 5',
    inputs: [
      { name: 'rawAnchors', shape: '[N, D] float32, before L2 normalisation' },
      { name: 'rawPositives', shape: '[N, D] float32, before L2 normalisation' },
    ],
    defaults: { gamma: 0.1, reduction: 'sum' },
    compute: (i, o) =>
      l2NormRegulariser(tensorInput(i, 'rawAnchors', 'l2-norm'), tensorInput(i, 'rawPositives', 'l2-norm'), o as Opts),
  })
  .register('solar', {
    description: 'SOLAR global loss: triplet (margin 1.25) + lambda (10) x second-order loss',
    source: 'tonyngjichun/SOLAR solar_global/layers/functional.py + examples/train.py',
    inputs: TUPLES,
    defaults: SOLAR_DEFAULTS,
    compute: (i, o) => solarLoss(tensorInput(i, 'descriptors', 'solar'), labelsInput(i, 'solar'), o as Opts),
  })
  .register('solar-triplet', {
    description: 'SOLAR triplet loss on squared distances, divided by the number of tuples',
    source: 'tonyngjichun/SOLAR solar_global/layers/functional.py triplet_loss',
    inputs: TUPLES,
    defaults: { margin: 1.25 },
    compute: (i, o) => solarTripletLoss(tensorInput(i, 'descriptors', 'solar-triplet'), labelsInput(i, 'solar-triplet'), o as Opts),
  })
  .register('solar-sos', {
    description: 'SOLAR global second-order loss sqrt(sum (|a-n|^2 - |p-n|^2)^2) / Q',
    source: 'tonyngjichun/SOLAR solar_global/layers/functional.py sos_loss',
    inputs: TUPLES,
    defaults: {},
    compute: (i, o) => solarSecondOrderLoss(tensorInput(i, 'descriptors', 'solar-sos'), labelsInput(i, 'solar-sos'), o as Opts),
  })
  .register('contrastive', {
    description: 'Contrastive loss for global descriptors (margin 0.7, sum)',
    source: 'filipradenovic/cnnimageretrieval-pytorch cirtorch/layers/functional.py contrastive_loss',
    inputs: TUPLES,
    defaults: CONTRASTIVE_DEFAULTS,
    compute: (i, o) => contrastiveLoss(tensorInput(i, 'descriptors', 'contrastive'), labelsInput(i, 'contrastive'), o as Opts),
  })
  .register('csa', {
    description: 'CSA re-ranking loss: contrastive with temperature 2 + 0.2 x affinity reconstruction',
    source: 'ouyjb/CSA network RerankTransformer.forward + train loop',
    inputs: [
      { name: 'tokens', shape: '[B, T, E] float32 transformer outputs' },
      { name: 'targets', shape: '[B, T] float32 0/1, token 0 = query' },
      { name: 'affinity', shape: '[B, T, L] float32 affinity rows (transformer input)' },
      { name: 'reconstruction', shape: '[B, T, L] float32 reconstructed affinity rows' },
    ],
    defaults: CSA_DEFAULTS,
    compute: (i, o) =>
      csaLoss(
        tensorInput(i, 'tokens', 'csa'),
        tensorInput(i, 'targets', 'csa'),
        tensorInput(i, 'affinity', 'csa'),
        tensorInput(i, 'reconstruction', 'csa'),
        o as Opts,
      ),
  })
  .register('csa-contrastive', {
    description: 'CSA contrastive term -log(sum_pos e^{cos/t} / sum_all e^{cos/t}), t = 2',
    source: 'ouyjb/CSA network RerankTransformer.forward + train loop',
    inputs: [
      { name: 'tokens', shape: '[B, T, E] float32' },
      { name: 'targets', shape: '[B, T] float32 0/1' },
    ],
    defaults: { temperature: 2 },
    compute: (i, o) =>
      csaContrastiveLoss(tensorInput(i, 'tokens', 'csa-contrastive'), tensorInput(i, 'targets', 'csa-contrastive'), o as Opts),
  })
  .register('csa-reconstruction', {
    description: 'CSA reconstruction term: mean L2 distance of normalised affinity rows, clamped to [1e-4, 1e4] before sqrt',
    source: 'ouyjb/CSA network RerankTransformer.forward (MSE_loss)',
    inputs: [
      { name: 'affinity', shape: '[B, T, L] float32' },
      { name: 'reconstruction', shape: '[B, T, L] float32' },
    ],
    defaults: {},
    compute: (i, o) =>
      csaReconstructionLoss(
        tensorInput(i, 'affinity', 'csa-reconstruction'),
        tensorInput(i, 'reconstruction', 'csa-reconstruction'),
        o as Opts,
      ),
  });
