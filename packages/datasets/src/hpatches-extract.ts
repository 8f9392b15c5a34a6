import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, SeededRng, createProgress, writeDirAtomicSync } from '@descbench/core';
import type { GrayImage } from './bmp';
import { detectDog, type DogOptions, type Keypoint } from './dog-detector';
import { encodePngGray, toGray } from './image-io';
import { HPATCHES_NOISE_LEVELS, HPATCHES_PATCH_SIZE, listHPatchesSequences, type HPatchesNoise } from './hpatches';
import { applyHomography, loadHPatchesImageSequence, type HPatchesImageSequence } from './hpatches-sequences';
import type { PatchSet } from './ubc-phototour';

/**
 * HPatches-style patch extraction from an image sequence (the procedure of the hpatches-dataset
 * README / CVPR 2017 paper, re-done with our own detector, so the patches are not the released ones):
 *
 * 1. DoG keypoints with one Lowe orientation in the reference image (`detectDog`).
 * 2. Measurement region = the detected scale magnified 5x: a square of half-side 5 sigma, rotated
 *    by the orientation, kept only if fully inside the reference image; detections whose
 *    regions overlap by more than 50% (IoU of the inscribed discs) are clustered, the strongest kept.
 * 3. Reference patch: the region resampled to 65x65 (bilinear).
 * 4. For each target image k = 2..6 and noise level e/h/t: an affine jitter (rotation, anisotropic
 *    scale, translation; one draw per patch, level and image) is applied to the frame in the
 *    reference image, the jittered frame is mapped through H_1_k pixel by pixel and the target
 *    image sampled there. Files `e1..e5`, `h1..h5`, `t1..t5` correspond to images 2..6.
 *
 * Jitter levels (`HPATCHES_JITTER`): the HPatches README gives the median overlap of jittered
 * and original regions, ~0.85 for easy and ~0.72 for hard; it gives no number for tough, for
 * which 0.6 is our choice. The parameter ranges below were set so that `medianJitterOverlap`
 * gives those medians (checked in the test); the paper's exact ranges were not available to us.
 */
export interface JitterLevel {
  /** Rotation uniform in [-maxRotation, maxRotation] radians. */
  maxRotation: number;
  /** Each axis scaled by exp(U(-ln(1 + maxScale), ln(1 + maxScale))). */
  maxScale: number;
  /** Translation uniform in [-maxShift, maxShift] per axis, in units of the region half-side. */
  maxShift: number;
  /** The median overlap this level is set to give (documentation; see medianJitterOverlap). */
  targetOverlap: number;
}

/** One magnitude a per level: rotation up to a*pi rad, scale up to 1 + a per axis, shift up to a half-sides. */
function level(a: number, targetOverlap: number): JitterLevel {
  return { maxRotation: a * Math.PI, maxScale: a, maxShift: a, targetOverlap };
}

export const HPATCHES_JITTER: Readonly<Record<HPatchesNoise, JitterLevel>> = {
  e: level(0.087, 0.85),
  h: level(0.2, 0.72),
  t: level(0.4, 0.6),
};

/** A 2x2 affine part + translation in normalised region units: u' = M u + t. */
export interface Jitter {
  m: [number, number, number, number];
  t: [number, number];
}

export function drawJitter(level: JitterLevel, rng: SeededRng): Jitter {
  const u = (a: number): number => (2 * rng.float() - 1) * a;
  const th = u(level.maxRotation);
  const ls = Math.log(1 + level.maxScale);
  const sx = Math.exp(u(ls));
  const sy = Math.exp(u(ls));
  const c = Math.cos(th);
  const s = Math.sin(th);
  return { m: [c * sx, -s * sy, s * sx, c * sy], t: [u(level.maxShift), u(level.maxShift)] };
}

type Pt = [number, number];

function polyArea(p: Pt[]): number {
  let a = 0;
  for (let i = 0; i < p.length; i++) {
    const [x1, y1] = p[i] as Pt;
    const [x2, y2] = p[(i + 1) % p.length] as Pt;
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a) / 2;
}

/** Sutherland-Hodgman: clip polygon `subject` by the square [-1,1]^2. */
function clipToSquare(subject: Pt[]): Pt[] {
  let out = subject;
  const edges: [number, number][] = [
    [0, -1],
    [0, 1],
    [1, -1],
    [1, 1],
  ]; // (axis, side): keep side * p[axis] <= 1
  for (const [ax, sd] of edges) {
    const inp = out;
    out = [];
    const inside = (p: Pt): boolean => sd * p[ax]! <= 1;
    for (let i = 0; i < inp.length; i++) {
      const cur = inp[i] as Pt;
      const prev = inp[(i + inp.length - 1) % inp.length] as Pt;
      const cross = (): Pt => {
        const t = (sd - prev[ax]!) / (cur[ax]! - prev[ax]!);
        return [prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])];
      };
      if (inside(cur)) {
        if (!inside(prev)) out.push(cross());
        out.push(cur);
      } else if (inside(prev)) out.push(cross());
    }
    if (out.length === 0) return out;
  }
  return out;
}

/** Exact IoU of the square [-1,1]^2 and its jittered image (convex polygon clipping). */
export function jitterOverlap(j: Jitter): number {
  const corners: Pt[] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  const b = corners.map(([u, v]): Pt => [j.m[0] * u + j.m[1] * v + j.t[0], j.m[2] * u + j.m[3] * v + j.t[1]]);
  const inter = polyArea(clipToSquare(b));
  return inter / (4 + polyArea(b) - inter);
}

/** Median overlap of `n` draws of a level (seeded). */
export function medianJitterOverlap(level: JitterLevel, n = 2000, seed = 0): number {
  const rng = new SeededRng(seed);
  const v = Array.from({ length: n }, () => jitterOverlap(drawJitter(level, rng))).sort((x, y) => x - y);
  return n % 2 ? (v[(n - 1) / 2] as number) : ((v[n / 2 - 1] as number) + (v[n / 2] as number)) / 2;
}

/** A measurement frame in the reference image: x = c + A u, u in [-1,1]^2. */
interface Frame {
  cx: number;
  cy: number;
  a: [number, number, number, number];
}

function frameOf(k: Keypoint, magnify: number): Frame {
  const r = magnify * k.sigma;
  const c = Math.cos(k.angle);
  const s = Math.sin(k.angle);
  return { cx: k.x, cy: k.y, a: [r * c, -r * s, r * s, r * c] };
}

function bilinear(img: GrayImage, x: number, y: number): number {
  const { width: w, height: h, pixels: p } = img;
  if (!(x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1)) return 0;
  const xi = x | 0;
  const yi = y | 0;
  const x0 = xi > w - 2 ? w - 2 : xi;
  const y0 = yi > h - 2 ? h - 2 : yi;
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * w + x0;
  const top = (p[i] as number) * (1 - fx) + (p[i + 1] as number) * fx;
  const bot = (p[i + w] as number) * (1 - fx) + (p[i + w + 1] as number) * fx;
  return top * (1 - fy) + bot * fy;
}

/** Sample a 65x65 patch of frame f (jittered by j) from `img`, through homography H (null = identity). */
function samplePatch(img: GrayImage, f: Frame, j: Jitter | null, H: Float64Array | null, out: Uint8Array, o: number): void {
  const P = HPATCHES_PATCH_SIZE;
  const half = (P - 1) / 2;
  for (let r = 0; r < P; r++) {
    for (let c = 0; c < P; c++) {
      let u = (c - half) / half;
      let v = (r - half) / half;
      if (j !== null) {
        const uu = j.m[0] * u + j.m[1] * v + j.t[0];
        const vv = j.m[2] * u + j.m[3] * v + j.t[1];
        u = uu;
        v = vv;
      }
      let x = f.cx + f.a[0] * u + f.a[1] * v;
      let y = f.cy + f.a[2] * u + f.a[3] * v;
      if (H !== null) [x, y] = applyHomography(H, x, y);
      out[o + r * P + c] = (bilinear(img, x, y) + 0.5) | 0;
    }
  }
}

function discIoU(r1: number, r2: number, d: number): number {
  if (d >= r1 + r2) return 0;
  const a1 = Math.PI * r1 * r1;
  const a2 = Math.PI * r2 * r2;
  if (d <= Math.abs(r1 - r2)) return Math.min(a1, a2) / Math.max(a1, a2);
  const p1 = r1 * r1 * Math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1));
  const p2 = r2 * r2 * Math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2));
  const p3 = 0.5 * Math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2));
  const inter = p1 + p2 - p3;
  return inter / (a1 + a2 - inter);
}

export interface ExtractOptions {
  /** Keep at most this many patches (strongest detections first). Default 1000. */
  maxPatches?: number;
  seed?: number;
  /** Region half-side in units of the detection sigma. Default 5. */
  magnify?: number;
  dog?: DogOptions;
  /** Use these reference-image keypoints instead of running the detector (strongest first). */
  keypoints?: readonly Keypoint[];
  jitter?: Readonly<Record<HPatchesNoise, JitterLevel>>;
}

export interface ExtractedSequence {
  keypoints: Keypoint[];
  /** `ref`, `e1..e5`, `h1..h5`, `t1..t5` -> `[N, 65, 65]`. */
  images: Map<string, PatchSet>;
}

/** Extract HPatches-style patches from a loaded image sequence (see the module comment). */
export function extractHPatches(seq: HPatchesImageSequence, o: ExtractOptions = {}): ExtractedSequence {
  if (seq.images.length !== 6 || seq.homographies.length !== 5) throw new InputError('need 6 images and 5 homographies', { at: `sequence ${seq.name}` });
  const magnify = o.magnify ?? 5;
  const maxPatches = o.maxPatches ?? 1000;
  const levels = o.jitter ?? HPATCHES_JITTER;
  const gray = seq.images.map(toGray);
  const ref = gray[0] as GrayImage;
  const cand = o.keypoints ?? detectDog(ref, { maxKeypoints: 5 * maxPatches, ...o.dog });
  const kept: Keypoint[] = [];
  for (const k of cand) {
    if (kept.length >= maxPatches) break;
    const R = magnify * k.sigma * Math.SQRT2; // circumradius of the rotated square
    if (k.x - R < 0 || k.y - R < 0 || k.x + R > ref.width - 1 || k.y + R > ref.height - 1) continue;
    const clash = kept.some((q) => discIoU(magnify * k.sigma, magnify * q.sigma, Math.hypot(k.x - q.x, k.y - q.y)) > 0.5);
    if (!clash) kept.push(k);
  }
  const n = kept.length;
  const P2 = HPATCHES_PATCH_SIZE * HPATCHES_PATCH_SIZE;
  const frames = kept.map((k) => frameOf(k, magnify));
  const images = new Map<string, PatchSet>();
  const refData = new Uint8Array(n * P2);
  frames.forEach((f, i) => samplePatch(ref, f, null, null, refData, i * P2));
  images.set('ref', { count: n, size: HPATCHES_PATCH_SIZE, data: refData });
  const rng = new SeededRng(o.seed ?? 0);
  for (const lv of HPATCHES_NOISE_LEVELS) {
    for (let k = 1; k <= 5; k++) {
      const r = rng.fork(HPATCHES_NOISE_LEVELS.indexOf(lv) * 16 + k);
      const data = new Uint8Array(n * P2);
      frames.forEach((f, i) => samplePatch(gray[k] as GrayImage, f, drawJitter(levels[lv], r), seq.homographies[k - 1] as Float64Array, data, i * P2));
      images.set(`${lv}${k}`, { count: n, size: HPATCHES_PATCH_SIZE, data });
    }
  }
  return { keypoints: kept, images };
}

/**
 * Write extracted patches as a patch-release sequence folder (`<root>/<name>/ref.png`, ...). The
 * folder is written under a temporary name and renamed when complete, so a killed run leaves no
 * half-written sequence.
 */
export function writeHPatchesSequence(root: string, name: string, images: ReadonlyMap<string, PatchSet>): string {
  return writeDirAtomicSync(join(root, name), (tmp) => {
    for (const [im, set] of images) {
      if (set.size !== HPATCHES_PATCH_SIZE) throw new RangeError(`patches must be 65x65, got ${set.size}`);
      writeFileSync(join(tmp, `${im}.png`), encodePngGray({ width: HPATCHES_PATCH_SIZE, height: HPATCHES_PATCH_SIZE * set.count, pixels: set.data }));
    }
  });
}

/** FNV-1a hash of a sequence name, below 2^20 (a per-sequence seed offset). */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h % (1 << 20);
}

/**
 * Extract every sequence folder (`i_*`, `v_*`) of a sequences release into a patch-release
 * folder. Sequences already present in `outRoot` are skipped (resume), each one is written
 * atomically; progress on stderr. Sequence `n` is extracted with seed `1000 * seed + hash(n)`.
 */
export function extractHPatchesRelease(
  sequencesRoot: string,
  outRoot: string,
  o: ExtractOptions & { sequences?: readonly string[]; progress?: boolean } = {},
): string[] {
  const names = o.sequences ?? listHPatchesSequences(sequencesRoot);
  const bar = o.progress === false ? undefined : createProgress('extract HPatches sequences', names.length);
  const done: string[] = [];
  for (const n of names) {
    if (!existsSync(join(outRoot, n, 'ref.png'))) {
      const seq = loadHPatchesImageSequence(join(sequencesRoot, n));
      // the seed depends on the name, not the position, so a sequence gets the same patches alone or in a release
      const ex = extractHPatches(seq, { ...o, seed: (o.seed ?? 0) * 1000 + nameHash(n) });
      writeHPatchesSequence(outRoot, n, ex.images);
    }
    done.push(n);
    bar?.tick();
  }
  bar?.done();
  return done;
}
