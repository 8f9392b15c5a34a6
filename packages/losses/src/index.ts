export { type Reduction } from './checks';
export { absTorch, hardnetDistanceMatrix, l2Normalize, unitDistanceMatrix } from './distances';
export { argMinMask, diagonal, falseNegativeMask, minimumSplitTies, noGrad, pickMasked } from './mining';
export { HARDNET_DEFAULTS, HARDNET_FALSE_NEGATIVE_DISTANCE, hardnetLoss, type HardNetLossType, type HardNetOptions } from './hardnet';
export {
  HYNET_FALSE_NEGATIVE_DISTANCE,
  SOSNET_DEFAULTS,
  SOS_DEFAULTS,
  pairDistances,
  sosAdjacency,
  sosRegulariser,
  sosnetLoss,
  type PairDistances,
  type SosNetOptions,
  type SosOptions,
} from './sos';
export {
  HYNET_A_DEFAULTS,
  HYNET_B_DEFAULTS,
  HYNET_DEFAULTS,
  hynetLoss,
  hynetLossA,
  hynetLossB,
  hynetTripletInnerProduct,
  hynetTripletL2,
  l2NormRegulariser,
  type HyNetBOptions,
  type HyNetCommonOptions,
  type HyNetMarginOptions,
  type HyNetOptions,
} from './hynet';
export { parseTuples, type TupleLayout } from './tuples';
export { SOLAR_DEFAULTS, solarLoss, solarSecondOrderLoss, solarTripletLoss, type SolarOptions } from './solar';
export { CONTRASTIVE_DEFAULTS, contrastiveLoss, type ContrastiveOptions } from './contrastive';
export { CSA_DEFAULTS, csaContrastiveLoss, csaLoss, csaReconstructionLoss, type CsaOptions } from './csa';
export { TFEAT_DEFAULTS, tfeatLoss, type TFeatOptions } from './tfeat';
export { LOSSES, type LossEntry, type LossInput, type LossInputSpec } from './registry';
