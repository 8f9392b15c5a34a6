export { decodeBmp8, encodeBmp8, type GrayImage } from './bmp';
export { resizePatches, RESIZE_CONVENTIONS, type ResizeConvention } from './patch-resize';
export {
  UBC_SUBSETS,
  UBC_PATCH_COUNTS,
  UBC_TEST_PAIRS_FILE,
  listUbcTiles,
  readUbcTile,
  loadUbcPatches,
  loadUbcDataset,
  readUbcInfo,
  readUbcInterest,
  readUbcPairs,
  patchAt,
  type UbcSubset,
  type PatchSet,
  type UbcPairs,
  type UbcInterestPoints,
  type UbcDataset,
  type LoadUbcOptions,
  type LoadUbcPatchesOptions,
} from './ubc-phototour';
export { PointPairSampler, type PairBatch } from './ubc-sampler';
export { decodePngGray, readPngGray, encodePngGray, decodePnm, readPnm, toGray, rgbToGray, type RasterImage } from './image-io';
export { decodeJpegRgb, readJpegRgb } from './jpeg';
export { pillowThumbnail, pillowResizeLanczos, pillowResampleLanczos, pillowReduce, thumbnailSize } from './pillow-resize';
export {
  HPATCHES_PATCH_SIZE,
  HPATCHES_NOISE_LEVELS,
  HPATCHES_IMAGES,
  stripToPatches,
  readPatchStrip,
  loadHPatchesSequence,
  loadHPatchesRelease,
  listHPatchesSequences,
  readHPatchesSplits,
  readHPatchesPatchList,
  checkPatchList,
  sequenceKind,
  type HPatchesNoise,
  type HPatchesSequence,
  type HPatchesSplit,
  type HPatchesPatchList,
} from './hpatches';
export {
  readHomography,
  loadHPatchesImageSequence,
  applyHomography,
  invert3,
  mul3,
  det3,
  type Homography,
  type HPatchesImageSequence,
} from './hpatches-sequences';
export {
  parsePickle,
  readPickle,
  pickleDictGet,
  ALLOWED_GLOBALS,
  type PickleValue,
  type PickledNdarray,
  type ParsePickleOptions,
} from './formats/pickle';
export { readNpyFloat16Rows, type Float16Rows, type ReadFloat16RowsOptions } from './formats/npy-float16-rows';
export {
  parseNpy,
  parseNpyHeader,
  type NpyHeader,
  readNpy,
  encodeNpy,
  writeNpy,
  npyToCOrder,
  npyToInt32,
  npyToFloat64,
  parseNumpyDescr,
  NPY_DTYPES,
  type NpyArray,
  type NpyData,
  type NpyDtype,
} from './formats/npy';
export { readRevisitopGnd, revisitopGndFromPickle, type RevisitopGnd, type RevisitopQuery } from './formats/revisitop-gnd';
export { detectDog, gaussianBlur, dominantOrientation, type Keypoint, type DogOptions } from './dog-detector';
export {
  HPATCHES_JITTER,
  extractHPatches,
  extractHPatchesRelease,
  writeHPatchesSequence,
  drawJitter,
  jitterOverlap,
  medianJitterOverlap,
  type JitterLevel,
  type Jitter,
  type ExtractOptions,
  type ExtractedSequence,
} from './hpatches-extract';
export { encodePickle, PlainTuple, NumpyArray, type PlainValue } from './pickle-writer';
export { readFeatureDict, featureDictFromPickle, type ReadFeatureDictOptions } from './formats/feature-pickle';
export {
  GENERATED_FEATURE_TYPES,
  RETRIEVAL_FAMILY,
  RETRIEVAL_FAMILY_VERSION,
  generatedFeatureType,
  revisitopStructure,
  generateRevisitopGnd,
  generateRevisitopTypeFeatures,
  generateDistractorFeatures,
  generateRevisitopFeatures,
  generateR1mFeatures,
  generateRsfmFeatures,
  clusterSizeSampler,
  clusterSizeTag,
  RSFM_GENERATOR_DEFAULTS,
  RSFM120K_COUNTS,
  RSFM_LIKE_CLUSTER_SIZES,
  type LogNormalClusterSizes,
  hasGeneratedRevisitopFeatures,
  type GeneratedFeatureType,
  type RevisitopStructure,
  type GenerateRevisitopFeaturesOptions,
  type GeneratedRevisitopFeatures,
  type GenerateRsfmFeaturesOptions,
  type GeneratedRsfmFeatures,
} from './synthetic-retrieval-features';
export {
  REVISITOP_DATASETS,
  REVISITOP_COUNTS,
  REVISITOP_1M_COUNT,
  loadRevisitopDataset,
  protocolLists,
  roundHalfEven,
  queryCropRect,
  cropQuery,
  readImageList,
  readGlobalFeatures,
  readRevisitopFeatures,
  type RevisitopFeatures,
  type RevisitopName,
  type RevisitopDataset,
  type RevisitopProtocol,
  type CropConvention,
  type GlobalFeatures,
  type ReadFeaturesOptions,
} from './revisitop';
export { readRsfm120k, rsfmFromPickle, rsfmImagePath, type Rsfm120k, type RsfmSplit } from './rsfm120k';
export { findPairsFile } from './ubc-phototour';
export { makeSceneTexture, sampleTexture, renderView, xorshift32, type SceneTexture, type Illumination } from './synthetic-texture';
export { generateSyntheticUbc, type SyntheticUbcOptions, type SyntheticUbcSummary } from './synthetic-ubc';
export { generateSyntheticHPatches, type SyntheticHPatchesOptions, type SyntheticHPatchesSummary } from './synthetic-hpatches';
export { generateSyntheticRevisitop, type SyntheticRevisitopOptions, type SyntheticRevisitopSummary } from './synthetic-revisitop';
export { resolveDataRoot } from './data-root';
export {
  DATASET_CATALOG,
  catalogRegistry,
  findCatalogEntry,
  isDatasetPresent,
  requireDataset,
  type CatalogEntry,
  type RemoteFile,
} from './dataset-catalog';
export {
  downloadFile,
  extractZip,
  extractTarGz,
  fetchDataset,
  readManifest,
  datasetStatus,
  type DownloadOptions,
  type DownloadResult,
  type FetchOptions,
  type FetchResult,
  type Manifest,
  type ManifestEntry,
} from './fetch';
export {
  DATA_CHOICES,
  resolveUbcSubset,
  resolveHPatches,
  resolveRevisitop,
  resolveGeneratedRetrieval,
  resolveGeneratedRsfm,
  type DataChoice,
  type DataSourceOptions,
  type ResolvedDataset,
} from './data-source';
export {
  readDescriptorCsv,
  readDescriptorNpy,
  readHPatchesDescriptorSequence,
  listHPatchesDescriptorSequences,
  writeHPatchesDescriptorSequence,
  descriptorFile,
  float32Decimal,
  HPATCHES_DESCRIPTOR_FORMATS,
  type HPatchesDescriptorFormat,
  type Float32Matrix,
} from './formats/hpatches-descriptors';
export { readHPatchesPairList, selectPairs, drawHPatchesPairs, type HPatchesPairList } from './hpatches-verification-pairs';
export { makeLandmarkScene } from './synthetic-landmark-scene';
export { renderRevisitopImages, subsetRevisitopGnd, renderLandmarkClusters, renderDistractorImages, LANDMARK_IMAGES_VERSION, type RevisitopImages, type LandmarkClusters, type LandmarkViewStyle } from './synthetic-landmark-images';
