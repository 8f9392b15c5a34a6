import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SeededRng } from '@descbench/core';
import { encodeNpy } from './formats/npy';
import { randomUnitVector } from './random-unit-vector';
import type { RevisitopGnd, RevisitopQuery } from './formats/revisitop-gnd';
import { encodePickle, NumpyArray } from './pickle-writer';
import { REVISITOP_COUNTS, type RevisitopName } from './revisitop';

/**
 * Generated global features for image retrieval, in the formats the public retrieval code reads
 * and writes, for several feature types of different quality (so that cross-feature testing, e.g.
 * a re-ranker trained on one type and applied to another, means something):
 *
 * - revisitop: `<root>/<name>/gnd_<name>.pkl` (the official ground-truth dict) and, per feature
 *   type, `<root>/<name>/features/<type>.pkl`: a dict `{'db': D x N, 'query': D x Q}` of float32
 *   numpy arrays (columns L2-normalised), as CSA's and cirtorch's scripts pickle them;
 * - R1M-style distractors: `<root>/revisitop1m/features/<type>.npy`, `[N, D]` float32;
 * - rSfM120k-style training data: `<root>/rsfm120k/retrieval-SfM-120k.pkl` (the official metadata
 *   dict: `train` / `val`, each with `cids`, `cluster`, `qidxs`, `pidxs`) and per type
 *   `<root>/rsfm120k/features/<type>.pkl` = `{'train': D x Ntrain, 'val': D x Nval}`.
 *
 * The ground-truth STRUCTURE (which images are easy / hard / junk for which query, the boxes,
 * the names) is taken from a real `gnd_<name>.pkl` when one is given, otherwise generated with
 * the official counts. Generated data only: never a paper result.
 *
 * ONE generative family (RETRIEVAL_FAMILY, version RETRIEVAL_FAMILY_VERSION) makes the revisitop
 * test sets AND the rSfM120k-style training clusters, so that what CSA learns on the latter
 * holds on the former. Per feature type every direction below is a random unit vector:
 *
 * - a *building* (a revisitop target: queries with identical lists; an rSfM cluster) has a
 *   direction T = normalise(C + u) (C: its *landmark*, shared by revisitop targets whose lists
 *   share positives), four *view* directions W (its sides) and lies on a *street* with three
 *   *context* directions Z (street front, trees, sky);
 * - an image of a building, per building that shows it: easy: t T + 0.5 W, t in [0.75, 1);
 *   hard: t T + 0.85 W, t in [0.45, 0.7); junk: t T + 0.6 W, t in [0.1, 0.25) (its view W fixed
 *   per image), and with probability 0.5 one of its street's contexts, + 1.2 Z;
 * - a street holds `streetMates` = 2 other buildings (look-alikes: their photos show the same
 *   contexts). revisitop: each target is on its own street; 30% of the unlisted images are
 *   photos of its street mates (easy 55%, hard 45%); the rest are background groups of about 30
 *   (B + noise). rSfM120k: every cluster is a building, each three consecutive clusters a street;
 *   images easy 55%, hard 45%;
 * - a revisitop query is an easy image of its target (t = 1) that shows a context, with half
 *   the type's noise (a crop); R1M-style distractors are background groups;
 * - every vector gets the type's noise (isotropic, norm about `noise`) and, for types without
 *   whitening, a shared direction with a per-image amplitude 1 + 0.5 n (`common`: the dominant
 *   component of off-the-shelf descriptors that PCA-whitening removes), then is L2-normalised.
 *
 * What this gives a re-ranker: a street mate with the query's context is close to the query
 * directly, but its neighbours are its own building's and its context's images, not the query's
 * other positives; a hard positive (strong view) is far from the query, but close to the easy
 * positives of its side, which are the query's neighbours. Deterministic in `seed`; each
 * (dataset, type) draws its own directions.
 */
export interface GeneratedFeatureType {
  /** Row id of CSA's supplementary Table 1 (or `r-gem`: the fine-tuned training feature). */
  id: string;
  label: string;
  /** Backbone it stands for; the dimension is scaled down (ResNet101: 2048 -> 256, VGG16: 512 -> 128). */
  backbone: 'resnet101' | 'vgg16';
  dim: number;
  /** Norm of the isotropic noise added to the unit-scale signal. */
  noise: number;
  /** Weight of the shared (un-whitened) direction; 0 for whitened types. */
  common: number;
}

/** The feature types, worst to best (the order of their first-stage mAP in CSA's Table 1). */
export const GENERATED_FEATURE_TYPES: readonly GeneratedFeatureType[] = [
  { id: 'r-gem-o', label: 'R-GeM[O]', backbone: 'resnet101', dim: 256, noise: 1.5, common: 1.6 },
  { id: 'r-rmac-o', label: 'R-RMAC[O]', backbone: 'resnet101', dim: 256, noise: 1.4, common: 1.5 },
  { id: 'r-gem-o-w', label: 'R-GeM[O]-W', backbone: 'resnet101', dim: 256, noise: 1.9, common: 0 },
  { id: 'r-rmac-o-w', label: 'R-RMAC[O]-W', backbone: 'resnet101', dim: 256, noise: 1.8, common: 0 },
  { id: 'v-gem-w', label: 'V-GeM-W', backbone: 'vgg16', dim: 128, noise: 1.0, common: 0 },
  { id: 'r-mac-w', label: 'R-MAC-W', backbone: 'resnet101', dim: 256, noise: 1.1, common: 0 },
  { id: 'r-gem', label: 'R-GeM (fine-tuned, gl18-tl-resnet101-gem-w)', backbone: 'resnet101', dim: 256, noise: 0.9, common: 0 },
];

export function generatedFeatureType(id: string): GeneratedFeatureType {
  const t = GENERATED_FEATURE_TYPES.find((x) => x.id === id);
  if (t === undefined) throw new RangeError(`unknown generated feature type ${JSON.stringify(id)}; known: ${GENERATED_FEATURE_TYPES.map((x) => x.id).join(', ')}`);
  return t;
}

/** Stable 31-bit hash of a string (FNV-1a), to give each (dataset, type) its own stream. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

function normalised(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

function axpy(y: Float64Array, a: number, x: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

/** The noise and shared component of a type, then L2 normalisation into column `col` of a D x n array. */
class TypeSpace {
  readonly common: Float64Array;
  constructor(
    readonly t: GeneratedFeatureType,
    readonly rng: SeededRng,
  ) {
    this.common = randomUnitVector(rng, t.dim);
  }
  unit(): Float64Array {
    return randomUnitVector(this.rng, this.t.dim);
  }
  /** Finish `signal` and write it as column `col` of `out` (D x n, C order). */
  emit(signal: Float64Array, out: Float32Array, n: number, col: number, noiseScale = 1): void {
    const D = this.t.dim;
    const s = (this.t.noise * noiseScale) / Math.sqrt(D);
    const v = Float64Array.from(signal);
    for (let k = 0; k < D; k++) v[k]! += s * this.rng.normal();
    if (this.t.common > 0) axpy(v, this.t.common * (1 + 0.5 * this.rng.normal()), this.common);
    const u = normalised(v);
    for (let k = 0; k < D; k++) out[k * n + col] = u[k]!;
  }
}

/** Targets (queries with identical lists), landmarks (targets sharing positives) and per-image links. */
export interface RevisitopStructure {
  gnd: RevisitopGnd;
  targetOfQuery: number[];
  landmarkOfTarget: number[];
  landmarks: number;
}

export function revisitopStructure(gnd: RevisitopGnd): RevisitopStructure {
  const key = (q: RevisitopQuery): string => [q.easy, q.hard, q.junk].map((l) => [...l].sort((a, b) => a - b).join(',')).join('|');
  const targets = new Map<string, number>();
  const targetOfQuery = gnd.gnd.map((q) => {
    const k = key(q);
    if (!targets.has(k)) targets.set(k, targets.size);
    return targets.get(k)!;
  });
  // union-find over targets that share a positive image
  const parent = Array.from({ length: targets.size }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const ownerOfImage = new Map<number, number>();
  gnd.gnd.forEach((q, qi) => {
    const t = targetOfQuery[qi]!;
    for (const i of [...q.easy, ...q.hard]) {
      const o = ownerOfImage.get(i);
      if (o === undefined) ownerOfImage.set(i, t);
      else parent[find(o)] = find(t);
    }
  });
  const roots = new Map<number, number>();
  const landmarkOfTarget = parent.map((_, t) => {
    const r = find(t);
    if (!roots.has(r)) roots.set(r, roots.size);
    return roots.get(r)!;
  });
  return { gnd, targetOfQuery, landmarkOfTarget, landmarks: roots.size };
}

/**
 * A ground truth with the official counts (70 queries, 4,993 / 6,322 images) and the real
 * files' shape: 24 targets of about 3 queries over 11 (Oxford) / 12 (Paris) landmarks, each landmark a
 * pool of 20-300 images that each of its targets labels easy / hard / junk / not at all
 * independently (overlapping lists, look-alikes). For when no real `gnd_<name>.pkl` is at hand.
 */
export function generateRevisitopGnd(name: RevisitopName | string, o: { images?: number; queries?: number; seed?: number } = {}): RevisitopGnd {
  const counts = (REVISITOP_COUNTS as Record<string, { queries: number; images: number }>)[name] ?? REVISITOP_COUNTS.roxford5k;
  const N = o.images ?? counts.images;
  const Q = o.queries ?? counts.queries;
  const rng = new SeededRng(hash(`gnd:${name}:${o.seed ?? 0}`));
  const nTargets = Math.max(1, Math.ceil(Q / 3));
  const nLandmarks = Math.max(1, Math.min(nTargets, name === 'rparis6k' ? 12 : 11));
  const landmarkOfTarget = Array.from({ length: nTargets }, (_, t) => (t < nLandmarks ? t : rng.int(0, nLandmarks - 1)));
  const order = rng.shuffle(Array.from({ length: N }, (_, i) => i));
  let next = 0;
  const take = (k: number): number[] => {
    const out = order.slice(next, Math.min(N, next + k));
    next += out.length;
    return out;
  };
  const scale = N / counts.images;
  // each landmark owns a pool of images; each of its targets labels the pool's images
  // (easy 20%, hard 20%, junk 10%, unlisted 50%), so lists of one landmark overlap as in the real
  // files and the other targets' images are look-alikes
  const pools = Array.from({ length: nLandmarks }, () => take(Math.max(4, Math.round(rng.int(20, 300) * scale))));
  const lists = landmarkOfTarget.map((l) => {
    const easy: number[] = [];
    const hard: number[] = [];
    const junk: number[] = [];
    for (const i of pools[l]!) {
      const u = rng.float();
      if (u < 0.2) easy.push(i);
      else if (u < 0.4) hard.push(i);
      else if (u < 0.5) junk.push(i);
    }
    if (easy.length + hard.length === 0) hard.push(pools[l]![0]!);
    return { easy: easy.sort((a, b) => a - b), hard: hard.sort((a, b) => a - b), junk: junk.sort((a, b) => a - b) };
  });
  const landmarkNames = Array.from({ length: nLandmarks }, (_, l) => `landmark${String(l).padStart(2, '0')}`);
  const owner = new Int32Array(N).fill(-1);
  lists.forEach((l, t) => {
    for (const i of [...l.easy, ...l.hard, ...l.junk]) owner[i] = landmarkOfTarget[t]!;
  });
  const pad = (i: number): string => String(i).padStart(6, '0');
  const imlist = Array.from({ length: N }, (_, i) => `${owner[i]! >= 0 ? landmarkNames[owner[i]!] : `${name}_general`}_${pad(i)}`);
  const qimlist: string[] = [];
  const gnd: RevisitopQuery[] = [];
  for (let q = 0; q < Q; q++) {
    const t = Math.floor((q * nTargets) / Q);
    qimlist.push(`${landmarkNames[landmarkOfTarget[t]!]}_query_${pad(q)}`);
    const x1 = Math.round(rng.float() * 3000) / 10;
    const y1 = Math.round(rng.float() * 2000) / 10;
    gnd.push({ bbx: [x1, y1, x1 + 200 + rng.int(0, 400), y1 + 200 + rng.int(0, 300)], ...lists[t]! });
  }
  return { imlist, qimlist, gnd };
}

/** Version of the generative family below; part of every cache folder of generated retrieval data. */
export const RETRIEVAL_FAMILY_VERSION = 2;

/**
 * The generative family's constants: one set for every generated retrieval set (revisitop
 * database and queries, rSfM120k-style training clusters, R1M-style distractors), so that what a
 * re-ranker learns on the training clusters holds on the test sets.
 */
export const RETRIEVAL_FAMILY = {
  /** A building (target) of a landmark: T = normalise(C + targetSpread u). */
  targetSpread: 1,
  /** View directions per building (its sides). */
  views: 4,
  /** Per level of a building's image: weight of T, drawn in [t0, t1), and of its view direction. */
  easy: { t: [0.75, 1.0], v: 0.5 },
  hard: { t: [0.45, 0.7], v: 0.85 },
  junk: { t: [0.1, 0.25], v: 0.6 },
  /**
   * Contexts per street (what surrounds its buildings in a photo: the street front, trees, sky),
   * each a direction Z; an image shows one of its street's contexts with probability `p`, with weight `w`.
   */
  contexts: { n: 3, p: 0.5, w: 1.2 },
  /** Buildings per street: one query building plus `streetMates` look-alikes (rSfM: three clusters per street). */
  streetMates: 2,
  /** Share of the unlisted revisitop images that show a street mate; the rest are background groups. */
  lookalikeShare: 0.3,
  backgroundGroupSize: 30,
  /** Share of easy images of a street mate and of an rSfM120k-style cluster (the rest are hard). */
  easyShare: 0.55,
  /** A revisitop query: an easy image of its building (r = 1) that shows a context, with noise x the type's noise (a crop). */
  queryNoise: 0.5,
} as const;

/** One image of a scene: an image of buildings (links) or a member of a background group. */
interface SceneImage {
  /** Buildings that it shows, and how (3 easy, 2 hard, 1 junk); empty for a background image. */
  links: { target: number; level: 1 | 2 | 3 }[];
  view: number;
  /** Context of its street shown (-1: none). */
  context: number;
  r: number;
  /** Background group of an image without links, else -1. */
  group: number;
}

/** What a set of generated features shows, independent of the feature type. */
interface Scene {
  /** Per building (target): its landmark and its street. */
  landmarkOfTarget: number[];
  streetOfTarget: number[];
  landmarks: number;
  streets: number;
  backgroundGroups: number;
  images: SceneImage[];
}

function levelWeights(level: 1 | 2 | 3, r: number): [number, number] {
  const f = RETRIEVAL_FAMILY;
  const l = level === 3 ? f.easy : level === 2 ? f.hard : f.junk;
  return [l.t[0] + (l.t[1] - l.t[0]) * r, l.v];
}

/** The directions of a scene in one type's space: landmarks C, buildings T and their views W, street contexts Z, background groups B. */
class SceneDirections {
  readonly C: Float64Array[];
  readonly T: Float64Array[];
  readonly W: Float64Array[][];
  readonly Z: Float64Array[][];
  readonly B: Float64Array[];
  constructor(
    readonly scene: Scene,
    private readonly space: TypeSpace,
  ) {
    const f = RETRIEVAL_FAMILY;
    this.C = Array.from({ length: scene.landmarks }, () => space.unit());
    this.T = scene.landmarkOfTarget.map((l) => {
      const v = Float64Array.from(this.C[l]!);
      axpy(v, f.targetSpread, space.unit());
      return normalised(v);
    });
    this.W = this.T.map(() => Array.from({ length: f.views }, () => space.unit()));
    this.Z = Array.from({ length: scene.streets }, () => Array.from({ length: f.contexts.n }, () => space.unit()));
    this.B = Array.from({ length: scene.backgroundGroups }, () => space.unit());
  }
  /** Noise-free signal of image `i`. */
  signal(i: number): Float64Array {
    return this.imageSignal(this.scene.images[i]!);
  }
  imageSignal(im: SceneImage): Float64Array {
    const sig = new Float64Array(this.space.t.dim);
    for (const { target, level } of im.links) {
      const [wt, wv] = levelWeights(level, im.r);
      axpy(sig, wt, this.T[target]!);
      axpy(sig, wv, this.W[target]![im.view]!);
      if (im.context >= 0) axpy(sig, RETRIEVAL_FAMILY.contexts.w, this.Z[this.scene.streetOfTarget[target]!]![im.context]!);
    }
    if (im.links.length === 0) axpy(sig, 1, this.B[im.group]!);
    return sig;
  }
}

function sceneImage(rng: SeededRng): SceneImage {
  const f = RETRIEVAL_FAMILY;
  return { links: [], view: rng.int(0, f.views - 1), context: rng.float() < f.contexts.p ? rng.int(0, f.contexts.n - 1) : -1, r: rng.float(), group: -1 };
}

/**
 * A revisitop database as a scene: each target (a building) on its own street with
 * `streetMates` look-alike buildings; the ground truth's links; of the unlisted images a share
 * shows a street mate (easy or hard), the rest background groups.
 */
function revisitopScene(s: RevisitopStructure, rng: SeededRng): Scene {
  const f = RETRIEVAL_FAMILY;
  const N = s.gnd.imlist.length;
  const images: SceneImage[] = Array.from({ length: N }, () => sceneImage(rng));
  const seen = new Set<number>();
  s.gnd.gnd.forEach((q, qi) => {
    const t = s.targetOfQuery[qi]!;
    if (seen.has(t)) return;
    seen.add(t);
    const add = (list: number[], level: 1 | 2 | 3): void => {
      for (const i of list) images[i]!.links.push({ target: t, level });
    };
    add(q.easy, 3);
    add(q.hard, 2);
    add(q.junk, 1);
  });
  const targets = s.landmarkOfTarget.length;
  // targets 0..T-1 are the ground truth's; then the street mates of target t (T + t * mates + m), each its own landmark
  const landmarkOfTarget = [...s.landmarkOfTarget];
  const streetOfTarget = Array.from({ length: targets }, (_, t) => t);
  for (let t = 0; t < targets; t++) {
    for (let m = 0; m < f.streetMates; m++) {
      landmarkOfTarget.push(s.landmarks + t * f.streetMates + m);
      streetOfTarget.push(t);
    }
  }
  const unlisted = images.filter((im) => im.links.length === 0).length;
  const backgroundGroups = Math.max(1, Math.ceil((unlisted * (1 - f.lookalikeShare)) / f.backgroundGroupSize));
  for (const im of images) {
    if (im.links.length > 0) continue;
    if (rng.float() < f.lookalikeShare) im.links.push({ target: targets + rng.int(0, targets * f.streetMates - 1), level: rng.float() < f.easyShare ? 3 : 2 });
    else im.group = rng.int(0, backgroundGroups - 1);
  }
  return { landmarkOfTarget, streetOfTarget, landmarks: s.landmarks + targets * f.streetMates, streets: targets, backgroundGroups, images };
}

/** D x N and D x Q float32 features of one type for one ground-truth structure. */
export function generateRevisitopTypeFeatures(
  s: RevisitopStructure,
  type: GeneratedFeatureType,
  o: { dataset: string; seed?: number },
): { db: Float32Array; query: Float32Array; dim: number } {
  const seed = o.seed ?? 0;
  const scene = revisitopScene(s, new SeededRng(hash(`scene:${o.dataset}:${seed}`)));
  const space = new TypeSpace(type, new SeededRng(hash(`features:${o.dataset}:${type.id}:${seed}`)));
  const dirs = new SceneDirections(scene, space);
  const N = s.gnd.imlist.length;
  const Q = s.gnd.qimlist.length;
  const D = type.dim;
  const db = new Float32Array(D * N);
  for (let i = 0; i < N; i++) space.emit(dirs.signal(i), db, N, i);
  const query = new Float32Array(D * Q);
  const f = RETRIEVAL_FAMILY;
  for (let q = 0; q < Q; q++) {
    const im: SceneImage = { links: [{ target: s.targetOfQuery[q]!, level: 3 }], view: q % f.views, context: q % f.contexts.n, r: 1, group: -1 };
    space.emit(dirs.imageSignal(im), query, Q, q, f.queryNoise);
  }
  return { db, query, dim: D };
}

/** Background-only (R1M-style) distractors of one type: `[N, D]` float32 rows. */
export function generateDistractorFeatures(type: GeneratedFeatureType, count: number, o: { seed?: number } = {}): Float32Array {
  const space = new TypeSpace(type, new SeededRng(hash(`r1m:${type.id}:${o.seed ?? 0}`)));
  const B = Array.from({ length: Math.max(1, Math.ceil(count / RETRIEVAL_FAMILY.backgroundGroupSize)) }, () => space.unit());
  const D = type.dim;
  const col = new Float32Array(D);
  const out = new Float32Array(count * D);
  for (let i = 0; i < count; i++) {
    space.emit(B[space.rng.int(0, B.length - 1)]!, col, 1, 0);
    out.set(col, i * D);
  }
  return out;
}

/** Write a folder next to its final place and rename it in (nothing half-written). */
function writeFolder(target: string, fill: (tmp: string) => void): void {
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function plainGnd(g: RevisitopGnd): Parameters<typeof encodePickle>[0] {
  return {
    imlist: g.imlist,
    qimlist: g.qimlist,
    gnd: g.gnd.map((q) => ({ bbx: Float64Array.from(q.bbx), easy: q.easy, hard: q.hard, junk: q.junk })),
  };
}

export interface GenerateRevisitopFeaturesOptions {
  name: RevisitopName | string;
  /** A real ground truth whose structure to follow; generated with the official counts when absent. */
  gnd?: RevisitopGnd;
  /** Feature type ids (default: all of {@link GENERATED_FEATURE_TYPES}). */
  types?: readonly string[];
  seed?: number;
  /** Only without `gnd`: database size (default the official count). */
  images?: number;
}

export interface GeneratedRevisitopFeatures {
  dir: string;
  gndFile: string;
  /** Type id -> `features/<type>.pkl` */
  featureFiles: Record<string, string>;
  /** `real-gnd` when the structure came from a given ground truth, else `generated`. */
  structure: 'real-gnd' | 'generated';
}

/** Write `<root>/<name>/gnd_<name>.pkl` and `<root>/<name>/features/<type>.pkl` per type. */
export function generateRevisitopFeatures(root: string, o: GenerateRevisitopFeaturesOptions): GeneratedRevisitopFeatures {
  const seed = o.seed ?? 0;
  const gnd = o.gnd ?? generateRevisitopGnd(o.name, { seed, ...(o.images !== undefined ? { images: o.images } : {}) });
  const s = revisitopStructure(gnd);
  const types = (o.types ?? GENERATED_FEATURE_TYPES.map((t) => t.id)).map(generatedFeatureType);
  const dir = join(root, o.name);
  mkdirSync(root, { recursive: true });
  writeFolder(dir, (tmp) => {
    writeFileSync(join(tmp, `gnd_${o.name}.pkl`), encodePickle(plainGnd(gnd)));
    mkdirSync(join(tmp, 'features'));
    for (const t of types) {
      const f = generateRevisitopTypeFeatures(s, t, { dataset: o.name, seed });
      const file = join(tmp, 'features', `${t.id}.pkl`);
      writeFileSync(file, encodePickle({ db: new NumpyArray(f.db, [f.dim, gnd.imlist.length]), query: new NumpyArray(f.query, [f.dim, gnd.qimlist.length]) }));
    }
  });
  return {
    dir,
    gndFile: join(dir, `gnd_${o.name}.pkl`),
    featureFiles: Object.fromEntries(types.map((t) => [t.id, join(dir, 'features', `${t.id}.pkl`)])),
    structure: o.gnd ? 'real-gnd' : 'generated',
  };
}

/** Write `<root>/revisitop1m/features/<type>.npy` (`[count, D]`) per type; returns type -> file. */
export function generateR1mFeatures(root: string, o: { count: number; types?: readonly string[]; seed?: number }): Record<string, string> {
  const types = (o.types ?? GENERATED_FEATURE_TYPES.map((t) => t.id)).map(generatedFeatureType);
  const dir = join(root, 'revisitop1m', 'features');
  mkdirSync(dir, { recursive: true });
  const out: Record<string, string> = {};
  for (const t of types) {
    const file = join(dir, `${t.id}.npy`);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, encodeNpy({ data: generateDistractorFeatures(t, o.count, o.seed !== undefined ? { seed: o.seed } : {}), shape: [o.count, t.dim] }));
    renameSync(tmp, file);
    out[t.id] = file;
  }
  return out;
}

/**
 * Counts of the real rSfM120k metadata (`retrieval-SfM-120k.pkl`, Radenović et al., "Fine-tuning
 * CNN image retrieval with no human annotation", TPAMI 2018): the train split holds 91,642 images
 * of 551 clusters (3D models), 166.3 per cluster on average; val 6,403 images of 162 clusters.
 */
export const RSFM120K_COUNTS = { train: { images: 91_642, clusters: 551 }, val: { images: 6_403, clusters: 162 } } as const;

/**
 * Images per cluster drawn from a log-normal law, exp(ln(median) + sigma z), rounded and clipped to
 * [min, max]: heavy-tailed, as SfM reconstructions of landmark photos are (a few famous buildings
 * with many photos, many with few).
 */
export interface LogNormalClusterSizes {
  median: number;
  sigma: number;
  min: number;
  max: number;
}

/**
 * Cluster sizes with the real train split's mean: median 100 and sigma 1 give a mean of
 * 100 e^(1/2) = 164.9, 163.8 after clipping to [5, 2000] (the real file: 91,642 / 551 = 166.3;
 * its per-cluster histogram is not at hand, so the log-normal shape is an assumption, stated as
 * such). Images in the large clusters have neighbourhoods that are mostly positives, as a
 * revisitop query with hundreds of positives has.
 */
export const RSFM_LIKE_CLUSTER_SIZES: LogNormalClusterSizes = { median: 100, sigma: 1, min: 5, max: 2000 };

/** Draws images per cluster from `[min, max]` uniformly or from a log-normal law (rounded, clipped). */
export function clusterSizeSampler(c: [number, number] | LogNormalClusterSizes, rng: SeededRng): () => number {
  if (Array.isArray(c)) return () => rng.int(c[0], c[1]);
  return () => Math.min(c.max, Math.max(c.min, Math.round(Math.exp(Math.log(c.median) + c.sigma * rng.normal()))));
}

/** Cache tag of a cluster-size setting (uniform `[min, max]` or log-normal; absent: the generator's default). */
export function clusterSizeTag(c: [number, number] | LogNormalClusterSizes | undefined): string {
  const s = c ?? RSFM_GENERATOR_DEFAULTS.clusterSize;
  return Array.isArray(s) ? s.join('-') : `ln${s.median}-${s.sigma}-${s.min}-${s.max}`;
}

/** What generateRsfmFeatures draws when not told otherwise: 250 training and 50 validation clusters of 5-40 images. */
export const RSFM_GENERATOR_DEFAULTS: { trainClusters: number; valClusters: number; clusterSize: [number, number] } = { trainClusters: 250, valClusters: 50, clusterSize: [5, 40] };

export interface GenerateRsfmFeaturesOptions {
  /** Clusters (3D models) of the training split (default 250) and of the validation split (default 50). */
  trainClusters?: number;
  valClusters?: number;
  /**
   * Images per cluster: `[min, max]` drawn uniformly (default [5, 40]), or a log-normal law
   * ({@link RSFM_LIKE_CLUSTER_SIZES}: the real train split's mean).
   */
  clusterSize?: [number, number] | LogNormalClusterSizes;
  /** Feature type ids (default: `r-gem`, the fine-tuned R-GeM that CSA trains on). */
  types?: readonly string[];
  seed?: number;
}

export interface GeneratedRsfmFeatures {
  dir: string;
  /** `retrieval-SfM-120k.pkl` */
  metadataFile: string;
  /** Type id -> `features/<type>.pkl` with `train` and `val` (D x N). */
  featureFiles: Record<string, string>;
  /** Per split: cluster id of each image (as in the metadata). */
  clusters: { train: Int32Array; val: Int32Array };
}

/** Write `<root>/rsfm120k/retrieval-SfM-120k.pkl` and `<root>/rsfm120k/features/<type>.pkl` per type. */
export function generateRsfmFeatures(root: string, o: GenerateRsfmFeaturesOptions = {}): GeneratedRsfmFeatures {
  const seed = o.seed ?? 0;
  const cs = o.clusterSize ?? RSFM_GENERATOR_DEFAULTS.clusterSize;
  const [lo, hi] = Array.isArray(cs) ? cs : [cs.min, cs.max];
  if (!(lo >= 2 && hi >= lo)) throw new RangeError(`clusterSize must be [min >= 2, max >= min], got [${lo}, ${hi}]`);
  if (!Array.isArray(cs) && !(cs.median > 0 && cs.sigma >= 0)) throw new RangeError(`clusterSize: log-normal median must be > 0 and sigma >= 0, got ${cs.median}, ${cs.sigma}`);
  const rng = new SeededRng(hash(`rsfm:${seed}`));
  const size = clusterSizeSampler(cs, rng);
  const counts = { train: o.trainClusters ?? RSFM_GENERATOR_DEFAULTS.trainClusters, val: o.valClusters ?? RSFM_GENERATOR_DEFAULTS.valClusters };
  // one scene for both splits: every cluster is a building (its own landmark), three clusters a street
  const f = RETRIEVAL_FAMILY;
  const scene: Scene = { landmarkOfTarget: [], streetOfTarget: [], landmarks: 0, streets: 0, backgroundGroups: 0, images: [] };
  const splits = (['train', 'val'] as const).map((name, si) => {
    const cluster: number[] = [];
    const image: number[] = [];
    const qidxs: number[] = [];
    const pidxs: number[] = [];
    const base = si === 0 ? 0 : counts.train; // cluster ids are global, as in the real file
    for (let c = 0; c < counts[name]; c++) {
      const target = scene.landmarks++;
      scene.landmarkOfTarget.push(target);
      if (c % (1 + f.streetMates) === 0) scene.streets++;
      scene.streetOfTarget.push(scene.streets - 1);
      const first = cluster.length;
      const n = size();
      for (let k = 0; k < n; k++) {
        cluster.push(base + c);
        image.push(scene.images.length);
        const im = sceneImage(rng);
        im.links.push({ target, level: rng.float() < f.easyShare ? 3 : 2 });
        scene.images.push(im);
      }
      for (let p = 0; p < Math.min(3, n - 1); p++) {
        const q = first + rng.int(0, n - 1);
        let pos = first + rng.int(0, n - 2);
        if (pos >= q) pos++;
        qidxs.push(q);
        pidxs.push(pos);
      }
    }
    const cids = cluster.map(() => Array.from({ length: 32 }, () => '0123456789abcdef'[rng.int(0, 15)]).join(''));
    return { name, cluster: Int32Array.from(cluster), image, qidxs, pidxs, cids };
  });
  const types = (o.types ?? ['r-gem']).map(generatedFeatureType);
  const dir = join(root, 'rsfm120k');
  mkdirSync(root, { recursive: true });
  writeFolder(dir, (tmp) => {
    writeFileSync(
      join(tmp, 'retrieval-SfM-120k.pkl'),
      encodePickle(Object.fromEntries(splits.map((s) => [s.name, { cids: s.cids, cluster: s.cluster, qidxs: s.qidxs, pidxs: s.pidxs }]))),
    );
    mkdirSync(join(tmp, 'features'));
    for (const t of types) {
      const space = new TypeSpace(t, new SeededRng(hash(`rsfm-features:${t.id}:${seed}`)));
      const dirs = new SceneDirections(scene, space);
      const arrays: Record<string, NumpyArray> = {};
      for (const sp of splits) {
        const n = sp.cluster.length;
        const out = new Float32Array(t.dim * n);
        for (let i = 0; i < n; i++) space.emit(dirs.signal(sp.image[i]!), out, n, i);
        arrays[sp.name] = new NumpyArray(out, [t.dim, n]);
      }
      writeFileSync(join(tmp, 'features', `${t.id}.pkl`), encodePickle(arrays));
    }
  });
  return {
    dir,
    metadataFile: join(dir, 'retrieval-SfM-120k.pkl'),
    featureFiles: Object.fromEntries(types.map((t) => [t.id, join(dir, 'features', `${t.id}.pkl`)])),
    clusters: { train: splits[0]!.cluster, val: splits[1]!.cluster },
  };
}

/** True when a generated revisitop feature folder holds every requested type. */
export function hasGeneratedRevisitopFeatures(root: string, name: string, types: readonly string[]): boolean {
  return existsSync(join(root, name, `gnd_${name}.pkl`)) && types.every((t) => existsSync(join(root, name, 'features', `${t}.pkl`)));
}
