import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log, writeFileAtomicSync } from '@descbench/core';
import { readFeatureDict, readRsfm120k, resolveDataRoot, resolveGeneratedRsfm, type GenerateRsfmFeaturesOptions } from '@descbench/datasets';
import { activeTfjsBackend, decodeSafetensors, encodeSafetensors, trainKernelsBuild } from '@descbench/models';
import { canonicalJson, projectVersion, sha256Hex } from '../engine/key';
import { dataManifest } from '../engine/data-manifest';
import { createCsaModel, csaTrainingPreset, featureRows, scaleCsaPreset, trainCsa, type CsaModel, type CsaProfile } from '@descbench/retrieval';

/**
 * The CSA re-ranker of a replay: trained on rSfM120k-style training features of the fine-tuned
 * R-GeM type (CSA's choice), with the named recipe, profile and seed. Training is deterministic
 * in those, so the weights are cached under `<data root>/cache/csa/<key>.safetensors` and every
 * cell that needs the same model (each feature type, each dataset) trains it once.
 *
 * Training data: `trainFeatures` (a pickled `{'train': D x N, 'val': D x M}` dict) with the
 * clusters of `rsfmMetadata` (`retrieval-SfM-120k.pkl`) when given, else the generated default
 * (`resolveGeneratedRsfm`, type `r-gem`).
 */
export interface CsaModelSpec {
  profile: CsaProfile;
  seed: number;
  preset?: string;
  dataDir?: string;
  trainFeatures?: string;
  rsfmMetadata?: string;
  /** Settings of the generated training data (default: the generator's). */
  generated?: Omit<GenerateRsfmFeaturesOptions, 'types' | 'seed'>;
}

export interface TrainedCsa {
  model: CsaModel;
  /** Re-ranking length K of the profile (paper 1024). */
  k: number;
  /** `generated` or the training feature file. */
  trainedOn: string;
  cached: boolean;
}

/**
 * The cache key of trained CSA weights: what decides them, i.e. the scaled recipe itself (not only
 * its profile's name, whose settings may change), the seed, the training features' content, the
 * tfjs backend that trains (same backend, same numbers) and the code that trains.
 */
export function csaCacheKey(preset: string, recipe: unknown, seed: number, featureFile: string, backend: string = tfjsBackendKey()): string {
  return sha256Hex(canonicalJson({ preset, recipe, seed, features: dataManifest(featureFile).sha256, backend, code: projectVersion() })).slice(0, 20);
}

/** The backend as it decides the numbers: wasm with its kernels' build (fused multiply-adds or not). */
function tfjsBackendKey(): string {
  const b = activeTfjsBackend();
  return b === 'wasm' ? `wasm/${trainKernelsBuild()}` : b;
}

export function trainedCsaModel(s: CsaModelSpec): TrainedCsa {
  const preset = s.preset ?? 'csa';
  const scaled = scaleCsaPreset(csaTrainingPreset(preset), s.profile);
  const real = s.trainFeatures !== undefined && s.rsfmMetadata !== undefined;
  const gen = real ? undefined : resolveGeneratedRsfm({ ...(s.dataDir !== undefined ? { dataDir: s.dataDir } : {}), ...s.generated, types: ['r-gem'] });
  const featureFile = real ? s.trainFeatures! : gen!.featureFiles['r-gem']!;
  const key = csaCacheKey(preset, scaled, s.seed, featureFile);
  const dir = join(resolveDataRoot(s.dataDir !== undefined ? { dataDir: s.dataDir } : {}), 'cache', 'csa');
  const file = join(dir, `${key}.safetensors`);
  const trainedOn = real ? featureFile : 'generated rSfM120k-style r-gem features';
  if (existsSync(file)) {
    const sd = decodeSafetensors(readFileSync(file), file).tensors;
    return { model: createCsaModel(scaled.model, { stateDict: sd, file }), k: scaled.rerankK, trainedOn, cached: true };
  }
  const clusters = real ? readRsfm120k(s.rsfmMetadata!).train.cluster : gen!.clusters.train;
  const f = readFeatureDict(featureFile, ['train'], { counts: { train: clusters.length } }).train!;
  log.info(`training the CSA re-ranker (${preset}, profile ${s.profile}, seed ${s.seed}) on ${f.count} ${trainedOn}`);
  const r = trainCsa({ features: featureRows(f.data, f.count, f.dim, featureFile), clusters, preset, profile: s.profile, seed: s.seed });
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(file, encodeSafetensors(r.model.stateDict(), { preset, profile: s.profile, seed: String(s.seed) }));
  return { model: r.model, k: scaled.rerankK, trainedOn, cached: false };
}
