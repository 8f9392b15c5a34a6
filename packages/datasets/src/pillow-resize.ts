import type { RasterImage } from './image-io';

/**
 * Pillow 9.4's `Image.thumbnail(size, Image.ANTIALIAS)` on 8-bit images (what cirtorch's
 * `imresize` calls), step by step as Pillow does it:
 * 1. the thumbnail size (`thumbnailSize`): fit in `size` keeping the aspect ratio, the side that
 *    shrinks rounded to the integer whose aspect is closest; never enlarges;
 * 2. `resize(size, LANCZOS, reducing_gap=2.0)`: when the image is at least twice as large as the
 *    target along an axis, first `reduce` by the integer factor int(in / out / 2) (block means
 *    with Pillow's fixed-point division, partial blocks at the right / bottom edge averaged over
 *    the pixels they hold) over a box widened by the filter's support, then resample the rest
 *    of the way from the matching fractional box;
 * 3. the separable Lanczos-3 resampling of libImaging/Resample.c: a horizontal then a vertical
 *    pass, coefficients normalised in double precision and rounded to 22-bit fixed point, each
 *    pass rounded and clipped to 8 bits.
 * Equal to Pillow 9.4 on seeded images in pillow-resize.test.ts (fixture made by
 * __fixtures__/make-pillow-fixture.py).
 */

const PRECISION_BITS = 32 - 8 - 2;
const LANCZOS_SUPPORT = 3;
const REDUCING_GAP = 2;

function sinc(x: number): number {
  if (x === 0) return 1;
  const t = x * Math.PI;
  return Math.sin(t) / t;
}

function lanczos(x: number): number {
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

/** `(size_w, size_h)` of `thumbnail((maxW, maxH))` for a `width x height` image, or null when it stays as is. */
export function thumbnailSize(width: number, height: number, maxW: number, maxH: number): [number, number] | null {
  let x = Math.floor(maxW);
  let y = Math.floor(maxH);
  if (x >= width && y >= height) return null;
  const aspect = width / height;
  // Python's min(floor, ceil, key=...) keeps the first of equal keys (floor)
  const roundAspect = (v: number, key: (n: number) => number): number => {
    const f = Math.floor(v);
    const c = Math.ceil(v);
    return Math.max(key(c) < key(f) ? c : f, 1);
  };
  if (x / y >= aspect) x = roundAspect(y * aspect, (n) => Math.abs(aspect - n / y));
  else {
    const yy = roundAspect(x / aspect, (n) => (n === 0 ? 0 : Math.abs(aspect - x / n)));
    y = yy;
  }
  return [x, y];
}

/** Fixed-point reciprocal of Reduce.c's `division_UINT32(divider, 8)`: float32 arithmetic, truncated. */
function reduceMultiplier(divider: number): number {
  return Math.floor(Math.fround(4294967296 / Math.fround(256 * divider)));
}

/**
 * `Image.reduce((fx, fy), box)` of Pillow: box `[x0, y0, x1, y1]` (integers) cut in fx x fy
 * blocks, each the rounded mean of its pixels; output ceil(w / fx) x ceil(h / fy).
 */
export function pillowReduce(img: RasterImage, fx: number, fy: number, box: readonly [number, number, number, number] = [0, 0, img.width, img.height]): RasterImage {
  const [bx, by, bx1, by1] = box;
  const bw = bx1 - bx;
  const bh = by1 - by;
  const C = img.channels;
  const W = Math.ceil(bw / fx);
  const H = Math.ceil(bh / fy);
  const out = new Uint8Array(W * H * C);
  const sums = new Float64Array(C);
  for (let y = 0; y < H; y++) {
    const y0 = by + y * fy;
    const y1 = Math.min(y0 + fy, by1);
    for (let x = 0; x < W; x++) {
      const x0 = bx + x * fx;
      const x1 = Math.min(x0 + fx, bx1);
      const n = (y1 - y0) * (x1 - x0);
      const mult = reduceMultiplier(n);
      const amend = Math.floor(n / 2);
      sums.fill(amend);
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const o = (yy * img.width + xx) * C;
          for (let c = 0; c < C; c++) sums[c]! += img.data[o + c]!;
        }
      }
      // (ss * multiplier) >> 24 in 32-bit unsigned arithmetic (the product stays below 2^32)
      for (let c = 0; c < C; c++) out[(y * W + x) * C + c] = Math.floor((sums[c]! * mult) / 16777216);
    }
  }
  return { width: W, height: H, channels: img.channels, data: out };
}

interface Coeffs {
  /** Per output pixel: first input index and count. */
  bounds: Int32Array;
  /** Per output pixel, `ksize` fixed-point weights. */
  weights: Int32Array;
  ksize: number;
}

/** Resample.c `precompute_coeffs` + `normalize_coeffs_8bpc` for Lanczos-3 over input range [in0, in1) (float32). */
function lanczosCoeffs(inSize: number, in0: number, in1: number, outSize: number): Coeffs {
  const a0 = Math.fround(in0);
  const scale = Math.fround(Math.fround(in1) - a0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = LANCZOS_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = a0 + (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = (ww !== 0 ? k[x]! / ww : k[x]!) * (1 << PRECISION_BITS);
      weights[xx * ksize + x] = Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

/** Resample.c's `clip8`: arithmetic shift by the precision, clamped to 0..255. */
function clip8(v: number): number {
  const s = Math.floor(v / (1 << PRECISION_BITS));
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

/**
 * `Image.resize((outW, outH), LANCZOS, box)` without a reducing gap (Resample.c
 * `ImagingResampleInner`): box `[x0, y0, x1, y1]` in input pixels, floats allowed (float32).
 */
export function pillowResampleLanczos(img: RasterImage, outW: number, outH: number, box: readonly [number, number, number, number] = [0, 0, img.width, img.height]): RasterImage {
  const C = img.channels;
  const needH = outW !== img.width || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== img.height || box[1] !== 0 || box[3] !== outH;
  const horiz = lanczosCoeffs(img.width, box[0], box[2], outW);
  const vert = lanczosCoeffs(img.height, box[1], box[3], outH);
  let cur = img;
  const half = 1 << (PRECISION_BITS - 1);
  if (needH) {
    // only the rows the vertical pass reads
    const first = vert.bounds[0]!;
    const last = vert.bounds[outH * 2 - 2]! + vert.bounds[outH * 2 - 1]!;
    const rows = last - first;
    const out = new Uint8Array(outW * rows * C);
    for (let y = 0; y < rows; y++) {
      const src = (y + first) * img.width;
      for (let x = 0; x < outW; x++) {
        const xmin = horiz.bounds[x * 2]!;
        const n = horiz.bounds[x * 2 + 1]!;
        const kb = x * horiz.ksize;
        for (let c = 0; c < C; c++) {
          let s = half;
          for (let i = 0; i < n; i++) s += img.data[(src + xmin + i) * C + c]! * horiz.weights[kb + i]!;
          out[(y * outW + x) * C + c] = clip8(s);
        }
      }
    }
    for (let y = 0; y < outH; y++) vert.bounds[y * 2]! -= first;
    cur = { width: outW, height: rows, channels: img.channels, data: out };
  }
  if (!needV) return cur;
  const out = new Uint8Array(cur.width * outH * C);
  for (let y = 0; y < outH; y++) {
    const ymin = vert.bounds[y * 2]!;
    const n = vert.bounds[y * 2 + 1]!;
    const kb = y * vert.ksize;
    for (let x = 0; x < cur.width; x++) {
      for (let c = 0; c < C; c++) {
        let s = half;
        for (let i = 0; i < n; i++) s += cur.data[((ymin + i) * cur.width + x) * C + c]! * vert.weights[kb + i]!;
        out[(y * cur.width + x) * C + c] = clip8(s);
      }
    }
  }
  return { width: cur.width, height: outH, channels: img.channels, data: out };
}

/** `Image.resize((outW, outH), LANCZOS, reducing_gap=2.0)`: reduce by int(in / out / 2) first, then resample. */
export function pillowResizeLanczos(img: RasterImage, outW: number, outH: number): RasterImage {
  if (outW === img.width && outH === img.height) return img;
  let box: [number, number, number, number] = [0, 0, img.width, img.height];
  let src = img;
  const fx = Math.trunc(img.width / outW / REDUCING_GAP) || 1;
  const fy = Math.trunc(img.height / outH / REDUCING_GAP) || 1;
  if (fx > 1 || fy > 1) {
    // Image._get_safe_box: the box widened by the filter's support (minus half a pixel) in input pixels
    const support = LANCZOS_SUPPORT - 0.5;
    const sx = (support * img.width) / outW;
    const sy = (support * img.height) / outH;
    const rb: [number, number, number, number] = [Math.max(0, Math.trunc(-sx)), Math.max(0, Math.trunc(-sy)), Math.min(img.width, Math.ceil(img.width + sx)), Math.min(img.height, Math.ceil(img.height + sy))];
    src = pillowReduce(img, fx, fy, rb);
    box = [(0 - rb[0]) / fx, (0 - rb[1]) / fy, (img.width - rb[0]) / fx, (img.height - rb[1]) / fy];
  }
  return pillowResampleLanczos(src, outW, outH, box);
}

/** `img.thumbnail((maxSide, maxSide), Image.ANTIALIAS)` (Pillow 9.4), e.g. cirtorch's `imresize(img, 1024)`. */
export function pillowThumbnail(img: RasterImage, maxSide: number): RasterImage {
  const size = thumbnailSize(img.width, img.height, maxSide, maxSide);
  return size === null ? img : pillowResizeLanczos(img, size[0], size[1]);
}
