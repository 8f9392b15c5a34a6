import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { readFeatureDict, readRsfm120k, resolveDataRoot, resolveGeneratedRsfm, type GenerateRsfmFeaturesOptions } from '@descbench/datasets';
import type { FeatureRows } from '@descbench/retrieval';
import type { DataKind } from '../engine/types';

/** One split of rSfM120k-style training data: descriptors, cluster (3D model) per image, query indices. */
export interface RsfmFeatureSplit {
  features: FeatureRows;
  clusters: Int32Array;
  qidxs: Int32Array;
}

export interface RsfmFeatures {
  data: DataKind;
  type: string;
  train: RsfmFeatureSplit;
  val: RsfmFeatureSplit;
  /** Files read (for a cell's settings and the report). */
  files: { metadata: string; features: string };
}

/**
 * rSfM120k descriptors for CSA training and validation. Real data: `<data root>/rsfm120k/
 * retrieval-SfM-120k.pkl` with `<data root>/rsfm120k/features/<type>.pkl` (`{'train': D x N,
 * 'val': D x M}`, as the authors' scripts pickle them); `auto` falls back to the project's
 * generated stand-in (datasets' resolveGeneratedRsfm), which is never presented as the real data.
 */
export function loadRsfmFeatures(o: { dataDir?: string; data?: 'auto' | 'real' | 'synthetic'; type?: string; generated?: GenerateRsfmFeaturesOptions }): RsfmFeatures {
  const type = o.type ?? 'r-gem';
  const root = join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), 'rsfm120k');
  const realMeta = join(root, 'retrieval-SfM-120k.pkl');
  const realFeatures = join(root, 'features', `${type}.pkl`);
  const haveReal = existsSync(realMeta) && existsSync(realFeatures);
  const mode = o.data ?? 'auto';
  if (mode === 'real' && !haveReal) throw new InputError(`real rSfM120k features need ${realMeta} and ${realFeatures}`, { file: haveReal ? realFeatures : realMeta });
  let data: DataKind = 'real';
  let metadata = realMeta;
  let features = realFeatures;
  if (mode === 'synthetic' || (mode === 'auto' && !haveReal)) {
    const g = resolveGeneratedRsfm({ ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), ...o.generated, types: [type] });
    data = 'synthetic';
    metadata = g.metadataFile;
    features = g.featureFiles[type]!;
  }
  const meta = readRsfm120k(metadata);
  const dict = readFeatureDict(features, ['train', 'val'], { counts: { train: meta.train.cluster.length, val: meta.val.cluster.length } });
  const split = (s: 'train' | 'val'): RsfmFeatureSplit => ({ features: dict[s]!, clusters: meta[s].cluster, qidxs: meta[s].qidxs });
  return { data, type, train: split('train'), val: split('val'), files: { metadata, features } };
}
