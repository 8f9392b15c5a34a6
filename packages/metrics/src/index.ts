export { assertFinite, assertSameLength, type NumericArray } from './validate';
export { kthSmallest } from './select';
export {
  fpr95,
  parseFpr95Convention,
  FPR95_CONVENTIONS,
  HARDNET_TIE_RULES,
  type Fpr95Convention,
  type Fpr95Options,
  type Fpr95Result,
  type HardnetTieRule,
} from './fpr95';
export { tpfp, trapz, type TpFp } from './tpfp';
export { averagePrecision, precisionRecall, AP_CONVENTIONS, type ApConvention, type PrCurve } from './average-precision';
export { rocAuc, rocCurve, type RocCurve } from './roc';
export {
  locateTagged,
  parseRankingLayout,
  RANKING_LAYOUTS,
  type LocateOptions,
  type Ranking,
  type RankingLayout,
  type TaggedItems,
  type TaggedPositions,
} from './ranking';
export {
  apFromPositions,
  computeMap,
  evaluateRevisited,
  mapFromLocated,
  revisitedGroundTruth,
  DEFAULT_KAPPAS,
  REVISITED_PROTOCOLS,
  type MapOptions,
  type MapResult,
  type QueryGroundTruth,
  type RevisitedProtocol,
  type RevisitedQuery,
  type RevisitedResult,
} from './revisited-map';
export { mean, std, variance, welchTTest, formatMeanStd, STD_CONVENTIONS, type StdConvention, type WelchResult, type FormatOptions } from './seed-stats';
export { checkDescriptorMatrix, rowDistance, DESCRIPTOR_DISTANCES, type DescriptorDistance, type DescriptorMatrix } from './descriptors';
export {
  hpatchesImage,
  HPATCHES_IMAGES,
  HPATCHES_NOISE,
  type HPatchesDescriptors,
  type HPatchesImage,
  type HPatchesNoise,
  type HPatchesSequenceDescriptors,
} from './hpatches-types';
export { hpatchesVerification, type VerificationPair, type VerificationResult, type VerificationScores, type VerificationTask } from './hpatches-verification';
export { hpatchesMatching, type MatchingImageScores, type MatchingResult } from './hpatches-matching';
export { apFromPositiveRanks, hpatchesRetrieval, HPATCHES_RETRIEVAL_POOLS, type PatchRef, type RetrievalResult } from './hpatches-retrieval';
export { summarizeHPatches, summarizeMatching, summarizeRetrieval, summarizeVerification, type HPatchesSummary } from './hpatches-summary';
