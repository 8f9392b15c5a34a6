/**
 * Image retrieval: global descriptors in (files or an ONNX backbone with pooling), exact top-k
 * search, re-ranking (alpha-QE, DBA, the CSA transformer), local features (HOW) and ASMK.
 */
export const RETRIEVAL_PACKAGE = '@descbench/retrieval';

export { CSA_PAPER_CONFIG, checkCsaConfig, csaDropPathRates, type CsaConfig } from './csa/config';
export { csaParams, initCsaStateDict, checkCsaStateDict, type CsaParam } from './csa/state-dict';
export { CsaModel, createCsaModel, type CsaForwardOptions, type CsaForwardResult } from './csa/model';
export { featureRows, type FeatureRows } from './csa/features';
export { csaQueryAffinity, csaTrainingAffinity } from './csa/affinity';
export { csaTrainingSet, type CsaTrainingSet } from './csa/training-data';
export { warmupCosineSchedule, type WarmupCosine } from './csa/schedule';
export {
  CSA_PROFILES,
  CSA_PROFILE_SCALES,
  CSA_TRAINING_PRESETS,
  csaTrainingPreset,
  parseCsaProfile,
  scaleCsaPreset,
  type CsaProfile,
  type CsaProfileScale,
  type CsaTrainingPreset,
} from './csa/presets';
export { trainCsa, type CsaEpochLog, type TrainCsaOptions, type TrainCsaResult } from './csa/trainer';
export { buildCsaOnnx } from './csa/onnx-graph';
export { csaFingerprint } from './csa/fingerprint';
export { csaRerank, type CsaRerankOptions, type CsaRerankResult } from './csa/rerank';

export { toFloat16Bits, toFloat16Array, float16Table } from '@descbench/core';
export { vectorStore, blockStore, concatStores, readRows, l2NormalizeRows, firstNonFiniteRow, type VectorStore } from './search/vectors';
export { exactKnn, rankingsPerQuery, ranksFromPerQuery, KNN_ENGINES, type KnnEngine, type KnnOptions, type KnnResult } from './search/knn';
export { expandQueries, QE_DEFAULTS, type QueryExpansionMethod, type QueryExpansionOptions } from './rerank/query-expansion';
export { augmentDatabase, DBA_DEFAULTS, type DbaMethod, type DbaOptions } from './rerank/dba';
export { perfectTopK } from './rerank/perfect-top-k';
export { gemPool, macPool, rmacPool, rmacRegions, pool, l2Normalize, POOLINGS, GEM_EPS, L2N_EPS, type FeatureMap, type Pooling } from './extract/pooling';
export { resizeBilinear } from './extract/resize';
export { learnPcaWhitening, applyWhitening, type PcaWhitening } from './extract/whitening';
export { symmetricEigen } from './extract/eigen';
export { GlobalExtractor, MULTI_SCALE, IMAGENET_MEAN, IMAGENET_STD, type ExtractorOptions, type RgbImage } from './extract/extractor';

export { kmeans, type KmeansOptions, type KmeansResult } from './asmk/kmeans';
export { assignWords } from './asmk/assign';
export { packSigns, packedWords, binarySimilarity } from './asmk/binary';
export { selectiveKernel, ASMK_KERNEL, type SelectiveKernel } from './asmk/selective-kernel';
export { aggregateImage, type AggregatedImage, type Codebook } from './asmk/aggregate';
export { AsmkInvertedFile } from './asmk/inverted-file';
export { asmkSearch, trainCodebook, ASMK_DEFAULTS, type AsmkOptions, type LocalDescriptors } from './asmk/asmk';
export { learnableSmoothing, averageSmoothing, smoothingKernel, initSmoothingParams, SMOOTHING_SIZES, type SmoothingParams } from './how/learnable-smoothing';
export { graphRefinement, gcnWeights, similarityGraph, initGcnParams, GCN_NORM_EPS, type GcnParams } from './how/graph-refinement';
export { createTinyBackbone, backboneForward, TINY_BACKBONE, type TinyBackbone, type TinyBackboneConfig } from './how/backbone';
export { createHowModel, howVariables, howLocal, howGlobal, initHowWhitening, extractHowLocal, grayTensor, HOW_VARIANTS, type HowModel, type HowVariant } from './how/how-model';
export { howContrastiveLoss, HOW_MARGIN } from './how/how-loss';
export { trainHow, type HowTrainOptions, type HowTrainResult } from './how/how-trainer';
export { howAsmkScores, rankByScore, type HowAsmkOptions } from './how/how-asmk';
export { HOW_PROFILES, HOW_PROFILE_SETTINGS, PAPER_HOW_SETTINGS, parseHowProfile, type HowProfile, type HowProfileSettings } from './how/presets';
export { OnnxHowExtractor, attentionAndSmoothing, type LocalWhitening, type OnnxHowOptions } from './how/onnx-local';
