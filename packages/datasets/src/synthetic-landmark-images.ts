import { SeededRng } from '@descbench/core';
import type { RevisitopGnd, RevisitopQuery } from './formats/revisitop-gnd';
import { revisitopStructure } from './synthetic-retrieval-features';
import { makeLandmarkScene } from './synthetic-landmark-scene';
import { makeSceneTexture, renderView, type SceneTexture } from './synthetic-texture';

/**
 * Generated landmark IMAGES for local-feature retrieval (HOW / ASMK): every landmark is a
 * generated facade (makeLandmarkScene: blocks with windows in the landmark's own style, blobs and
 * bars), and an image of it is a view (scale, rotation, shift, illumination) partly occluded by a
 * clutter scene (value noise), so the identity lives in the local structure, not in a global
 * statistic. Version LANDMARK_IMAGES_VERSION (2: facades on a raster twice the view's field, so
 * no view runs off its scene; 1 drew landmarks as value-noise textures a strong view left). Revisitop-style sets follow a ground truth (the real gnd when at hand):
 * easy images are mild views with little occlusion, hard ones strong views with half of the
 * frame occluded, junk mostly occluded; unlisted images show look-alike backgrounds.
 * rSfM120k-style sets are clusters of views of training landmarks. The occluders come from one
 * bank of clutter scenes shared by every set (as sky, trees and people are), so what training
 * learns to ignore carries over. Deterministic in the seed.
 * Images are gray, `[size, size]` uint8, row-major.
 */
export interface LandmarkViewStyle {
  scale: [number, number];
  rotationDeg: number;
  shift: number;
  occlusion: [number, number];
}

const STYLES = {
  query: { scale: [0.9, 1.1], rotationDeg: 5, shift: 0.05, occlusion: [0, 0] },
  easy: { scale: [0.8, 1.25], rotationDeg: 12, shift: 0.1, occlusion: [0, 0.2] },
  hard: { scale: [0.55, 1.8], rotationDeg: 35, shift: 0.2, occlusion: [0.3, 0.5] },
  junk: { scale: [0.5, 2], rotationDeg: 45, shift: 0.3, occlusion: [0.7, 0.85] },
} as const satisfies Record<string, LandmarkViewStyle>;

/** Bumped whenever the images change, so that cached results of the old images are not reused. */
export const LANDMARK_IMAGES_VERSION = 2;

/** Field of a scale-1 view is 0.55 TEXTURE; landmark scenes are 2 TEXTURE wide, clutter scenes TEXTURE. */
const TEXTURE = 192;
const BACKGROUNDS = 6;

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h | 0;
}

/** Scenes by key: `background:<k>` are the shared clutter textures, any other key a landmark facade. */
class SceneBank {
  private readonly cache = new Map<string, SceneTexture>();
  get(key: string): SceneTexture {
    let t = this.cache.get(key);
    if (t === undefined) this.cache.set(key, (t = key.startsWith('background:') ? makeSceneTexture(hash(key), TEXTURE) : makeLandmarkScene(hash(key), 2 * TEXTURE)));
    return t;
  }
}

/** A view of `scene`, its frame occluded on one side by `background` over a fraction drawn from the style. */
function renderLandmarkView(scene: SceneTexture, background: SceneTexture, size: number, style: LandmarkViewStyle, rng: SeededRng): Uint8Array {
  const s = style.scale[0] + (style.scale[1] - style.scale[0]) * rng.float();
  const a = ((2 * rng.float() - 1) * style.rotationDeg * Math.PI) / 180;
  const fov = (TEXTURE * 0.55) / size / s;
  const A = [fov * Math.cos(a), -fov * Math.sin(a), fov * Math.sin(a), fov * Math.cos(a)] as const;
  const c = scene.size / 2 + (2 * rng.float() - 1) * style.shift * TEXTURE;
  const d = scene.size / 2 + (2 * rng.float() - 1) * style.shift * TEXTURE;
  const light = { gain: 0.8 + 0.4 * rng.float(), bias: (2 * rng.float() - 1) * 15, gamma: 0.8 + 0.4 * rng.float(), noise: 4 };
  const out = new Uint8Array(size * size);
  renderView(scene, size, c, d, A, light, rng.int(1, 2 ** 30), out);
  const occ = style.occlusion[0] + (style.occlusion[1] - style.occlusion[0]) * rng.float();
  if (occ > 0) {
    const bg = new Uint8Array(size * size);
    const u = fov * (0.8 + 0.4 * rng.float());
    renderView(background, size, TEXTURE * (0.3 + 0.4 * rng.float()), TEXTURE * (0.3 + 0.4 * rng.float()), [u, 0, 0, u], light, rng.int(1, 2 ** 30), bg);
    const side = rng.int(0, 3);
    const k = Math.round(occ * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const hidden = side === 0 ? x < k : side === 1 ? x >= size - k : side === 2 ? y < k : y >= size - k;
        if (hidden) out[y * size + x] = bg[y * size + x]!;
      }
  }
  return out;
}

function backgroundView(bank: SceneBank, size: number, cluster: number, rng: SeededRng): Uint8Array {
  return renderLandmarkView(bank.get(`background:${cluster % BACKGROUNDS}`), bank.get(`background:${(cluster + 1) % BACKGROUNDS}`), size, STYLES.hard, rng);
}

export interface RevisitopImages {
  /** `[size, size]` gray database images, in gnd order. */
  db: Uint8Array[];
  queries: Uint8Array[];
  size: number;
}

/** Render the database and query images of a (possibly real) revisitop ground truth. */
export function renderRevisitopImages(gnd: RevisitopGnd, o: { dataset: string; size: number; seed?: number }): RevisitopImages {
  const s = revisitopStructure(gnd);
  const prefix = `${o.dataset}:${o.seed ?? 0}`;
  const bank = new SceneBank();
  const rng = new SeededRng(hash(`${prefix}:views`));
  // the strongest link of each image decides how it shows its landmark
  const level = new Int8Array(gnd.imlist.length);
  const landmark = new Int32Array(gnd.imlist.length).fill(-1);
  gnd.gnd.forEach((q, qi) => {
    const l = s.landmarkOfTarget[s.targetOfQuery[qi]!]!;
    const mark = (list: ArrayLike<number>, v: number): void => {
      for (let j = 0; j < list.length; j++) {
        const i = list[j]!;
        if (v > level[i]!) {
          level[i] = v;
          landmark[i] = l;
        }
      }
    };
    mark(q.easy, 3);
    mark(q.hard, 2);
    mark(q.junk, 1);
  });
  const scene = (l: number): SceneTexture => bank.get(`${prefix}:landmark:${l}`);
  const db = gnd.imlist.map((_, i) => {
    const r = rng.fork(i);
    const bgc = r.int(0, BACKGROUNDS - 1);
    if (level[i] === 0) return backgroundView(bank, o.size, bgc, r);
    const style = level[i] === 3 ? STYLES.easy : level[i] === 2 ? STYLES.hard : STYLES.junk;
    return renderLandmarkView(scene(landmark[i]!), bank.get(`background:${bgc}`), o.size, style, r);
  });
  const queries = gnd.qimlist.map((_, qi) => {
    const r = rng.fork(1_000_000 + qi);
    return renderLandmarkView(scene(s.landmarkOfTarget[s.targetOfQuery[qi]!]!), bank.get(`background:0`), o.size, STYLES.query, r);
  });
  return { db, queries, size: o.size };
}

/**
 * A smaller ground truth with the same structure: `queries` queries spread over the targets,
 * their listed images (at most `perList` per list) and `others` unlisted images, re-indexed.
 */
export function subsetRevisitopGnd(gnd: RevisitopGnd, o: { queries: number; perList: number; others: number; seed?: number }): RevisitopGnd {
  const Q = gnd.qimlist.length;
  const step = Q / Math.min(o.queries, Q);
  const qs = Array.from({ length: Math.min(o.queries, Q) }, (_, i) => Math.floor(i * step));
  const keep = new Set<number>();
  for (const q of qs) for (const list of [gnd.gnd[q]!.easy, gnd.gnd[q]!.hard, gnd.gnd[q]!.junk]) Array.from(list).slice(0, o.perList).forEach((i) => keep.add(i));
  const rng = new SeededRng(o.seed ?? 0);
  const rest = rng.shuffle(gnd.imlist.map((_, i) => i).filter((i) => !keep.has(i)));
  rest.slice(0, o.others).forEach((i) => keep.add(i));
  const order = [...keep].sort((a, b) => a - b);
  const idx = new Map(order.map((i, j) => [i, j]));
  const map = (l: ArrayLike<number>): number[] => Array.from(l).flatMap((i) => (idx.has(i) ? [idx.get(i)!] : []));
  const out: RevisitopQuery[] = qs.map((q) => ({ ...gnd.gnd[q]!, easy: map(gnd.gnd[q]!.easy), hard: map(gnd.gnd[q]!.hard), junk: map(gnd.gnd[q]!.junk) }));
  return { imlist: order.map((i) => gnd.imlist[i]!), qimlist: qs.map((q) => gnd.qimlist[q]!), gnd: out };
}

export interface LandmarkClusters {
  /** Views per cluster: `[clusters][views]` gray images. */
  clusters: Uint8Array[][];
  size: number;
}

/** rSfM120k-style clusters: `clusters` training landmarks with `views` views each (easy and hard mixed). */
export function renderLandmarkClusters(o: { split: string; clusters: number; views: number; size: number; seed?: number }): LandmarkClusters {
  const prefix = `rsfm:${o.split}:${o.seed ?? 0}`;
  const bank = new SceneBank();
  const rng = new SeededRng(hash(`${prefix}:views`));
  const clusters = Array.from({ length: o.clusters }, (_, c) => {
    const sc = bank.get(`${prefix}:landmark:${c}`);
    return Array.from({ length: o.views }, (_, v) => {
      const r = rng.fork(c * 1000 + v);
      return renderLandmarkView(sc, bank.get(`background:${r.int(0, BACKGROUNDS - 1)}`), o.size, v === 0 ? STYLES.query : r.float() < 0.6 ? STYLES.easy : STYLES.hard, r);
    });
  });
  return { clusters, size: o.size };
}

/**
 * Distractor images for a "+R1M"-style database, scaled down: `count` views of scenes that no
 * ground truth lists (each its own scene, easy or hard views occluded by the shared clutter), so
 * they are never positives and compete with the positives for the top ranks as revisitop1m's
 * images do. Deterministic in the seed; independent of the dataset they are added to.
 */
export function renderDistractorImages(o: { count: number; size: number; seed?: number }): Uint8Array[] {
  const prefix = `r1m:${o.seed ?? 0}`;
  const bank = new SceneBank();
  const rng = new SeededRng(hash(`${prefix}:views`));
  return Array.from({ length: o.count }, (_, i) => {
    const r = rng.fork(i);
    const bg = bank.get(`background:${r.int(0, BACKGROUNDS - 1)}`);
    return renderLandmarkView(bank.get(`${prefix}:scene:${i}`), bg, o.size, r.float() < 0.5 ? STYLES.easy : STYLES.hard, r);
  });
}
