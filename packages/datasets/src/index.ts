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
