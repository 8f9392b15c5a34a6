import { checkPatchInput } from './descriptor';
import type { PatchDescriptor, Runtime } from './types';

/**
 * SIFT (Lowe 2004) of a whole patch, following OpenCV's `SIFT::compute` for one keypoint given by
 * hand (OpenCV 4.x `sift.dispatch.cpp`): keypoint at (16, 16), size 32/6 (4x4 cells of 8 px span
 * the 32x32 patch), angle 0, octave 0. The patch is blurred as OpenCV's base image for provided
 * octave-0 keypoints (sigma sqrt(1.6^2 - 0.5^2), float, BORDER_REFLECT_101), then `calcSIFTDescriptor`: Gaussian-weighted gradient histograms (4x4x8, trilinear), clip at 0.2,
 * scale to 512 / norm and round to 0..255 (OpenCV's integer-valued float descriptors).
 * Inputs in [0, 1] are scaled by 255 (SIFT is invariant to the scale, up to the final rounding).
 * Checked against OpenCV 4.6 (`scripts/opencv_sift_fixture.py`).
 */

const PATCH = 32;
const D = 4;
const N = 8;
const SIGMA = 1.6;
const INIT_SIGMA = 0.5;
const DESCR_SCL_FCTR = 3;
const DESCR_MAG_THR = 0.2;
const INT_DESCR_FCTR = 512;
export const SIFT_KEYPOINT = { x: 16, y: 16, size: PATCH / 6, angle: 0 } as const;

/** OpenCV's `getGaussianKernel` for float images: size round(8 sigma + 1) | 1. */
function gaussianKernel(sigma: number): Float32Array {
  const n = Math.round(sigma * 8 + 1) | 1;
  const k = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = i - (n - 1) / 2;
    k[i] = Math.exp((-0.5 / (sigma * sigma)) * x * x);
    s += k[i]!;
  }
  return Float32Array.from(k, (v) => v / s);
}

/** BORDER_REFLECT_101 index. */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/** Separable Gaussian blur (rows then columns), BORDER_REFLECT_101, float. */
function gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r]! * src[y * w + reflect101(x + t, w)]!;
      tmp[y * w + x] = s;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r]! * tmp[reflect101(y + t, h) * w + x]!;
      out[y * w + x] = s;
    }
  }
  return out;
}

/**
 * The image OpenCV's SIFT describes a hand-given octave-0 keypoint on: with provided keypoints the
 * first octave is 0 (no 2x upsampling), and octave 0, layer 0 is the input blurred from the
 * assumed sigma 0.5 to 1.6, i.e. by sqrt(1.6^2 - 0.5^2).
 */
export function siftBaseImage(patch: Float32Array, w: number, h: number): Float32Array {
  return gaussianBlur(patch, w, h, Math.sqrt(Math.max(SIGMA * SIGMA - INIT_SIGMA * INIT_SIGMA, 0.01)));
}

/** OpenCV's `fastAtan2` (degrees, polynomial approximation). */
function fastAtan2(y: number, x: number): number {
  const f = 180 / Math.PI;
  const p1 = Math.fround(0.9997878412794807 * f);
  const p3 = Math.fround(-0.3258083974640975 * f);
  const p5 = Math.fround(0.1555786518463281 * f);
  const p7 = Math.fround(-0.04432655554792128 * f);
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  let a: number;
  if (ax >= ay) {
    const c = ay / (ax + 2.220446049250313e-16);
    const c2 = c * c;
    a = (((p7 * c2 + p5) * c2 + p3) * c2 + p1) * c;
  } else {
    const c = ax / (ay + 2.220446049250313e-16);
    const c2 = c * c;
    a = 90 - (((p7 * c2 + p5) * c2 + p3) * c2 + p1) * c;
  }
  if (x < 0) a = 180 - a;
  if (y < 0) a = 360 - a;
  return a;
}

/** OpenCV's `calcSIFTDescriptor` at integer-rounded `(px, py)`, orientation `ori` (degrees), scale `scl`. */
export function calcSiftDescriptor(img: Float32Array, w: number, h: number, px: number, py: number, ori: number, scl: number): Float32Array {
  const ptx = Math.round(px);
  const pty = Math.round(py);
  let cosT = Math.cos((ori * Math.PI) / 180);
  let sinT = Math.sin((ori * Math.PI) / 180);
  const binsPerRad = N / 360;
  const expScale = -1 / (D * D * 0.5);
  const histWidth = DESCR_SCL_FCTR * scl;
  const radius = Math.min(Math.round(histWidth * Math.SQRT2 * (D + 1) * 0.5), Math.floor(Math.sqrt(w * w + h * h)));
  cosT /= histWidth;
  sinT /= histWidth;
  const hist = new Float32Array((D + 2) * (D + 2) * (N + 2));
  for (let i = -radius; i <= radius; i++) {
    for (let j = -radius; j <= radius; j++) {
      const cRot = j * cosT - i * sinT;
      const rRot = j * sinT + i * cosT;
      let rbin = rRot + D / 2 - 0.5;
      let cbin = cRot + D / 2 - 0.5;
      const r = pty + i;
      const c = ptx + j;
      if (!(rbin > -1 && rbin < D && cbin > -1 && cbin < D && r > 0 && r < h - 1 && c > 0 && c < w - 1)) continue;
      const dx = img[r * w + c + 1]! - img[r * w + c - 1]!;
      const dy = img[(r - 1) * w + c]! - img[(r + 1) * w + c]!;
      const weight = Math.exp((cRot * cRot + rRot * rRot) * expScale);
      const mag = Math.sqrt(dx * dx + dy * dy) * weight;
      let obin = (fastAtan2(dy, dx) - ori) * binsPerRad;
      const r0 = Math.floor(rbin);
      const c0 = Math.floor(cbin);
      let o0 = Math.floor(obin);
      rbin -= r0;
      cbin -= c0;
      obin -= o0;
      if (o0 < 0) o0 += N;
      if (o0 >= N) o0 -= N;
      const vR1 = mag * rbin;
      const vR0 = mag - vR1;
      const vRc11 = vR1 * cbin;
      const vRc10 = vR1 - vRc11;
      const vRc01 = vR0 * cbin;
      const vRc00 = vR0 - vRc01;
      const vRco111 = vRc11 * obin;
      const vRco110 = vRc11 - vRco111;
      const vRco101 = vRc10 * obin;
      const vRco100 = vRc10 - vRco101;
      const vRco011 = vRc01 * obin;
      const vRco010 = vRc01 - vRco011;
      const vRco001 = vRc00 * obin;
      const vRco000 = vRc00 - vRco001;
      const idx = ((r0 + 1) * (D + 2) + c0 + 1) * (N + 2) + o0;
      hist[idx] = hist[idx]! + vRco000;
      hist[idx + 1] = hist[idx + 1]! + vRco001;
      hist[idx + (N + 2)] = hist[idx + (N + 2)]! + vRco010;
      hist[idx + (N + 3)] = hist[idx + (N + 3)]! + vRco011;
      hist[idx + (D + 2) * (N + 2)] = hist[idx + (D + 2) * (N + 2)]! + vRco100;
      hist[idx + (D + 2) * (N + 2) + 1] = hist[idx + (D + 2) * (N + 2) + 1]! + vRco101;
      hist[idx + (D + 3) * (N + 2)] = hist[idx + (D + 3) * (N + 2)]! + vRco110;
      hist[idx + (D + 3) * (N + 2) + 1] = hist[idx + (D + 3) * (N + 2) + 1]! + vRco111;
    }
  }
  const dst = new Float32Array(D * D * N);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      const idx = ((i + 1) * (D + 2) + (j + 1)) * (N + 2);
      hist[idx] = hist[idx]! + hist[idx + N]!;
      hist[idx + 1] = hist[idx + 1]! + hist[idx + N + 1]!;
      for (let k = 0; k < N; k++) dst[(i * D + j) * N + k] = hist[idx + k]!;
    }
  }
  let nrm2 = 0;
  for (const v of dst) nrm2 += v * v;
  const thr = Math.sqrt(nrm2) * DESCR_MAG_THR;
  nrm2 = 0;
  for (let k = 0; k < dst.length; k++) {
    const v = Math.min(dst[k]!, thr);
    dst[k] = v;
    nrm2 += v * v;
  }
  const scale = INT_DESCR_FCTR / Math.max(Math.sqrt(nrm2), 1.1920928955078125e-7);
  for (let k = 0; k < dst.length; k++) dst[k] = Math.min(255, Math.max(0, roundHalfEven(dst[k]! * scale)));
  return dst;
}

/** `cvRound`: round half to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** SIFT of each `[32, 32]` patch with the fixed keypoint frame above. */
export function siftDescribe(patches: Float32Array, batch: number, inputScale = 255): Float32Array {
  const out = new Float32Array(batch * D * D * N);
  const img = new Float32Array(PATCH * PATCH);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < img.length; i++) img[i] = patches[b * PATCH * PATCH + i]! * inputScale;
    const base = siftBaseImage(img, PATCH, PATCH);
    const angle = 360 - SIFT_KEYPOINT.angle;
    const ori = Math.abs(angle - 360) < 1.1920928955078125e-7 ? 0 : angle;
    out.set(calcSiftDescriptor(base, PATCH, PATCH, SIFT_KEYPOINT.x, SIFT_KEYPOINT.y, ori, SIFT_KEYPOINT.size * 0.5), b * D * D * N);
  }
  return out;
}

/** The zoo's `sift` model: `[B, 1, 32, 32]` in [0, 1] -> `[B, 128]` (integer-valued 0..255, OpenCV's convention). */
export function createSiftDescriptor(): PatchDescriptor {
  const runtime: Runtime = 'js';
  return {
    name: 'sift',
    patchSize: PATCH,
    dim: D * D * N,
    runtime,
    async describe(patches: Float32Array, batch: number): Promise<Float32Array> {
      checkPatchInput('sift', PATCH, patches, batch);
      return siftDescribe(patches, batch);
    },
    dispose() {},
  };
}
