import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, log } from '@descbench/core';
import { resolveDataRoot } from './data-root';
import { findCatalogEntry, isDatasetPresent } from './dataset-catalog';
import { generateSyntheticHPatches } from './synthetic-hpatches';
import { readRevisitopGnd } from './formats/revisitop-gnd';
import { readRsfm120k } from './rsfm120k';
import { generateSyntheticRevisitop } from './synthetic-revisitop';
import {
  RETRIEVAL_FAMILY_VERSION,
  GENERATED_FEATURE_TYPES,
  generateRevisitopFeatures,
  generateRsfmFeatures,
  clusterSizeTag,
  RSFM_GENERATOR_DEFAULTS,
  hasGeneratedRevisitopFeatures,
  type GenerateRsfmFeaturesOptions,
  type GeneratedRevisitopFeatures,
  type GeneratedRsfmFeatures,
} from './synthetic-retrieval-features';
import { generateSyntheticUbc } from './synthetic-ubc';
import { UBC_SUBSETS, type UbcSubset } from './ubc-phototour';

/**
 * Which data a command uses (`--data`): `real` (the fetched dataset; missing -> InputError with
 * the fetch command), `synthetic` (generated data in the official formats, cached under
 * `<data root>/synthetic/`), or `auto` (real when present, else synthetic, announced on stderr).
 */
export type DataChoice = 'auto' | 'real' | 'synthetic';
export const DATA_CHOICES: readonly DataChoice[] = ['auto', 'real', 'synthetic'];

export interface DataSourceOptions {
  data?: DataChoice;
  dataDir?: string;
  seed?: number;
}

export interface ResolvedDataset {
  kind: 'real' | 'synthetic';
  /** The folder in the dataset's own layout. */
  dir: string;
}

function choose(catalogName: string, o: DataSourceOptions, what: string): { root: string; real: boolean } {
  const root = resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {});
  const data = o.data ?? 'auto';
  if (!DATA_CHOICES.includes(data)) throw new InputError(`--data must be one of ${DATA_CHOICES.join(', ')}, got ${JSON.stringify(data)}`);
  const e = findCatalogEntry(catalogName);
  const present = isDatasetPresent(root, e);
  if (data === 'real') {
    if (!present) {
      throw new InputError(`${what} is missing under ${join(root, e.dir)}; fetch it with: pnpm bench fetch ${catalogName} --data-dir ${root} (or use --data synthetic)`);
    }
    return { root, real: true };
  }
  if (data === 'auto' && present) return { root, real: true };
  if (data === 'auto') {
    log.warn(`${what} not found under ${join(root, e.dir)} (fetch it with: pnpm bench fetch ${catalogName}); using generated synthetic data instead (--data synthetic)`);
  } else log.info(`using generated synthetic ${what} (--data synthetic)`);
  return { root, real: false };
}

/** A UBC subset folder: real `<root>/phototour/<name>` or a generated one of `patches` patches. */
export function resolveUbcSubset(name: UbcSubset, o: DataSourceOptions & { patches?: number } = {}): ResolvedDataset {
  const c = choose(`ubc-${name}`, o, `UBC PhotoTour ${name}`);
  if (c.real) return { kind: 'real', dir: join(c.root, findCatalogEntry(`ubc-${name}`).dir) };
  const patches = o.patches ?? 20480;
  const seed = (o.seed ?? 0) * 16 + UBC_SUBSETS.indexOf(name);
  const dir = join(c.root, 'synthetic', `ubc-${name}-n${patches}-s${o.seed ?? 0}`);
  if (!existsSync(join(dir, 'info.txt'))) generateSyntheticUbc(dir, { patches, seed, pairs: Math.min(10000, patches) });
  return { kind: 'synthetic', dir };
}

/** HPatches patch release + task folder (real or generated). */
export function resolveHPatches(o: DataSourceOptions & { sequences?: number; patches?: number } = {}): ResolvedDataset & { releaseDir: string; tasksDir: string } {
  const c = choose('hpatches', o, 'HPatches');
  if (c.real) {
    const dir = join(c.root, 'hpatches');
    return { kind: 'real', dir, releaseDir: join(dir, 'hpatches-release'), tasksDir: join(dir, 'tasks') };
  }
  const nSeq = o.sequences ?? 12;
  const nPatch = o.patches ?? 200;
  const dir = join(c.root, 'synthetic', `hpatches-q${nSeq}-n${nPatch}-s${o.seed ?? 0}`);
  if (!existsSync(join(dir, 'tasks', 'splits.json'))) generateSyntheticHPatches(dir, { sequences: nSeq, patches: nPatch, seed: o.seed ?? 0 });
  return { kind: 'synthetic', dir, releaseDir: join(dir, 'hpatches-release'), tasksDir: join(dir, 'tasks') };
}

/**
 * A revisitop dataset root holding `<name>/gnd_<name>.pkl` (real) or a generated one with the
 * same name and `features/{db,queries}.npy`.
 */
export function resolveRevisitop(name: 'roxford5k' | 'rparis6k', o: DataSourceOptions & { images?: number; queries?: number } = {}): ResolvedDataset & { root: string } {
  const c = choose(name, o, `revisited ${name}`);
  if (c.real) return { kind: 'real', root: join(c.root, 'revisitop'), dir: join(c.root, 'revisitop', name) };
  const root = join(c.root, 'synthetic', `revisitop-s${o.seed ?? 0}`);
  const dir = join(root, name);
  if (!existsSync(join(dir, `gnd_${name}.pkl`))) {
    generateSyntheticRevisitop(root, { name, images: o.images ?? 2000, queries: o.queries ?? 70, seed: (o.seed ?? 0) * 16 + (name === 'roxford5k' ? 1 : 2) });
  }
  return { kind: 'synthetic', root, dir };
}

/**
 * The generated default data of the retrieval replays (`bench roxf` / `bench rpar`): revisitop
 * ground truth + pickled feature dicts per feature type, cached under
 * `<data root>/synthetic/retrieval-s<seed>/`. The ground-truth structure is the real one when a
 * real `gnd_<name>.pkl` is at hand (the fetched dataset, else `gndFile`, e.g. the companion
 * folder's copy), otherwise generated with the official counts; `structure` says which.
 */
export function resolveGeneratedRetrieval(
  name: 'roxford5k' | 'rparis6k',
  o: { dataDir?: string; seed?: number; types?: readonly string[]; gndFile?: string } = {},
): GeneratedRevisitopFeatures {
  const root = join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), 'synthetic', `retrieval-v${RETRIEVAL_FAMILY_VERSION}-s${o.seed ?? 0}`);
  const types = o.types ?? GENERATED_FEATURE_TYPES.map((t) => t.id);
  const fetched = join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), 'revisitop', name, `gnd_${name}.pkl`);
  const gndFile = existsSync(fetched) ? fetched : o.gndFile !== undefined && existsSync(o.gndFile) ? o.gndFile : undefined;
  const structure = gndFile !== undefined ? 'real-gnd' : 'generated';
  const marker = join(root, name, `structure-${structure}`);
  if (!hasGeneratedRevisitopFeatures(root, name, types) || !existsSync(marker)) {
    log.info(`generating ${name}-style retrieval features (${types.length} feature types, ${structure === 'real-gnd' ? `structure of ${gndFile}` : 'generated structure'}) under ${root}`);
    const r = generateRevisitopFeatures(root, { name, types, seed: o.seed ?? 0, ...(gndFile !== undefined ? { gnd: readRevisitopGnd(gndFile) } : {}) });
    writeFileSync(marker, '');
    return r;
  }
  return {
    dir: join(root, name),
    gndFile: join(root, name, `gnd_${name}.pkl`),
    featureFiles: Object.fromEntries(types.map((t) => [t, join(root, name, 'features', `${t}.pkl`)])),
    structure,
  };
}

/** Generated rSfM120k-style training features (metadata pickle + per-type feature dicts), cached. */
export function resolveGeneratedRsfm(o: { dataDir?: string } & GenerateRsfmFeaturesOptions = {}): GeneratedRsfmFeatures {
  const { dataDir, ...g } = o;
  const types = g.types ?? ['r-gem'];
  const tag = `${g.trainClusters ?? RSFM_GENERATOR_DEFAULTS.trainClusters}-${g.valClusters ?? RSFM_GENERATOR_DEFAULTS.valClusters}-${clusterSizeTag(g.clusterSize)}`;
  const root = join(resolveDataRoot(dataDir !== undefined ? { dataDir } : {}), 'synthetic', `rsfm-v${RETRIEVAL_FAMILY_VERSION}-s${g.seed ?? 0}-${tag}`);
  const dir = join(root, 'rsfm120k');
  if (!existsSync(join(dir, 'retrieval-SfM-120k.pkl')) || !types.every((t) => existsSync(join(dir, 'features', `${t}.pkl`)))) {
    log.info(`generating rSfM120k-style training features (${types.join(', ')}) under ${root}`);
    return generateRsfmFeatures(root, { ...g, types });
  }
  const meta = readRsfm120k(join(dir, 'retrieval-SfM-120k.pkl'));
  return {
    dir,
    metadataFile: join(dir, 'retrieval-SfM-120k.pkl'),
    featureFiles: Object.fromEntries(types.map((t) => [t, join(dir, 'features', `${t}.pkl`)])),
    clusters: { train: meta.train.cluster, val: meta.val.cluster },
  };
}
