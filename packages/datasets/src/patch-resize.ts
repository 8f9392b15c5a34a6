/**
 * Downsampling of square uint8 patches (e.g. UBC 64x64 -> 32x32), under the two conventions the
 * reference code uses, by name:
 *
 * - `box2x2`: HardNet (`cv2.resize(x, (32, 32), interpolation=cv2.INTER_LINEAR)`) and HyNet. At
 *   exactly 2x, OpenCV's bilinear resize of uint8 is a 2x2 box mean computed in integers and
 *   rounded half up: `(a + b + c + d + 2) >> 2`.
 * - `pil-antialias`: torchvision `transforms.Resize(32)` on a PIL 'L' image, i.e.
 *   `Image.resize((32, 32), BILINEAR)` without `reducing_gap`: PIL's separable resample with the
 *   triangle filter stretched by the scale (support 2 at 2x, taps 1/8, 3/8, 3/8, 1/8, renormalised at
 *   the borders), coefficients in 22-bit fixed point, horizontal pass to uint8, then vertical.
 *   Reimplemented from the algorithm in PIL's `Resample.c`, bit-exact for 8-bit images.
 * - `opencv-linear`: `cv2.resize(x, (to, to))` with the default `INTER_LINEAR` on uint8 at any
 *   scale, as HardNet's and HyNet's HPatches code resizes the 65 px patches. No antialiasing: each
 *   output pixel blends the 2x2 source pixels around `(d + 0.5) * from / to - 0.5`, with OpenCV's
 *   11-bit fixed-point weights and its integer rounding (see `OpenCvLinearResampler`). At exactly
 *   2x OpenCV switches to its area resize, so this is `box2x2` there. Bit-exact with OpenCV 4.6
 *   (`scripts/opencv_resize_fixture.py`).
 */
export type ResizeConvention = 'box2x2' | 'pil-antialias' | 'opencv-linear';

export const RESIZE_CONVENTIONS: readonly ResizeConvention[] = ['box2x2', 'pil-antialias', 'opencv-linear'];

/**
 * Resize `n` square patches `[n, from, from]` to `[n, to, to]` (uint8, row-major).
 * `box2x2` needs `from == 2 * to`; `pil-antialias` and `opencv-linear` take any sizes.
 */
export function resizePatches(
  src: Uint8Array,
  n: number,
  from: number,
  to: number,
  convention: ResizeConvention,
  out: Uint8Array = new Uint8Array(n * to * to),
): Uint8Array {
  if (src.length < n * from * from) throw new RangeError(`src has ${src.length} values, need ${n * from * from}`);
  if (out.length < n * to * to) throw new RangeError(`out has ${out.length} values, need ${n * to * to}`);
  if (convention === 'box2x2') {
    if (from !== 2 * to) throw new RangeError(`box2x2 halves the size exactly; got ${from} -> ${to}`);
    for (let p = 0; p < n; p++) box2x2(src, p * from * from, from, out, p * to * to);
    return out;
  }
  if (convention === 'pil-antialias') {
    const r = new PilResampler(from, to);
    for (let p = 0; p < n; p++) r.run(src, p * from * from, out, p * to * to);
    return out;
  }
  if (convention === 'opencv-linear') {
    if (from === 2 * to) return resizePatches(src, n, from, to, 'box2x2', out);
    const r = new OpenCvLinearResampler(from, to);
    for (let p = 0; p < n; p++) r.run(src, p * from * from, out, p * to * to);
    return out;
  }
  throw new RangeError(`unknown resize convention ${String(convention)}; known: ${RESIZE_CONVENTIONS.join(', ')}`);
}

function box2x2(src: Uint8Array, s0: number, from: number, out: Uint8Array, o0: number): void {
  const to = from >> 1;
  for (let y = 0; y < to; y++) {
    const r0 = s0 + 2 * y * from;
    const r1 = r0 + from;
    const o = o0 + y * to;
    for (let x = 0; x < to; x++) {
      const c = 2 * x;
      out[o + x] = ((src[r0 + c] as number) + (src[r0 + c + 1] as number) + (src[r1 + c] as number) + (src[r1 + c + 1] as number) + 2) >> 2;
    }
  }
}

const PRECISION_BITS = 32 - 8 - 2;

/** PIL's bilinear ("triangle") filter, support 1. */
function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

interface Coeffs {
  bounds: Int32Array; // [out, 2] = (first input index, count)
  k: Int32Array; // [out, ksize] fixed-point weights
  ksize: number;
}

/** PIL `precompute_coeffs` + `normalize_coeffs_8bpc` for one axis (box = the whole input). */
function precompute(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const v = triangle((x + xmin - center + 0.5) * ss);
      w[x] = v;
      ww += v;
    }
    for (let x = 0; x < ksize; x++) {
      const v = x < xmax ? (ww !== 0 ? (w[x] as number) / ww : (w[x] as number)) : 0;
      k[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { bounds, k, ksize };
}

/** One square resampler (same coefficients for both axes). */
class PilResampler {
  private readonly c: Coeffs;
  private readonly tmp: Uint8Array;
  private readonly acc: Float64Array;
  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {
    this.c = precompute(from, to);
    this.tmp = new Uint8Array(from * to);
    this.acc = new Float64Array(to);
  }

  run(src: Uint8Array, s0: number, out: Uint8Array, o0: number): void {
    const { from, to, tmp } = this;
    const { bounds, k, ksize } = this.c;
    const half = 1 << (PRECISION_BITS - 1);
    const top = 2 ** (PRECISION_BITS + 8);
    // Horizontal pass: [from, from] -> [from, to] (uint8, clipped as PIL does between passes).
    if (from !== to) {
      for (let y = 0; y < from; y++) {
        const row = s0 + y * from;
        const trow = y * to;
        for (let xx = 0; xx < to; xx++) {
          const xmin = row + (bounds[2 * xx] as number);
          const xmax = bounds[2 * xx + 1] as number;
          const kb = xx * ksize;
          let ss = half;
          for (let x = 0; x < xmax; x++) ss += (src[xmin + x] as number) * (k[kb + x] as number);
          tmp[trow + xx] = ss >= top ? 255 : ss <= 0 ? 0 : ss >> PRECISION_BITS;
        }
      }
    } else {
      tmp.set(src.subarray(s0, s0 + from * from));
    }
    // Vertical pass: [from, to] -> [to, to], row by row so tmp is read contiguously.
    for (let yy = 0; yy < to; yy++) {
      const ymin = bounds[2 * yy] as number;
      const ymax = bounds[2 * yy + 1] as number;
      const kb = yy * ksize;
      const acc = this.acc;
      acc.fill(half);
      for (let y = 0; y < ymax; y++) {
        const w = k[kb + y] as number;
        const trow = (ymin + y) * to;
        for (let xx = 0; xx < to; xx++) acc[xx]! += (tmp[trow + xx] as number) * w;
      }
      const o = o0 + yy * to;
      for (let xx = 0; xx < to; xx++) {
        const ss = acc[xx] as number;
        out[o + xx] = ss >= top ? 255 : ss <= 0 ? 0 : ss >> PRECISION_BITS;
      }
    }
  }
}

/** OpenCV's fixed-point scale for the bilinear weights of 8-bit images (11 bits). */
const CV_COEF_SCALE = 2048;

/** Round half to even, as `cvRound` (the FPU's default rounding) does. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface LinearTaps {
  /** First source index of each output position (may be -1 or `from - 1` on the vertical axis). */
  ofs: Int32Array;
  /** Weights `[to, 2]` summing to 2048. */
  w: Int32Array;
}

/**
 * OpenCV's INTER_LINEAR taps for one axis. The source position is computed in double from the
 * inverse of the double `to / from` ratio, then stored as a float; its fractional part (float) and
 * `1 - frac` (float) become 11-bit weights by round-half-even. Horizontally (`clampWeights`),
 * positions left of 0 or at/after the last pixel snap to that pixel with weights (2048, 0);
 * vertically OpenCV keeps the position and weights and clamps the two row indices instead, so a
 * border row is blended with itself (two separately truncated products: it can differ by one).
 */
function linearTaps(from: number, to: number, clampWeights: boolean): LinearTaps {
  const scale = 1 / (to / from);
  const ofs = new Int32Array(to);
  const w = new Int32Array(2 * to);
  for (let d = 0; d < to; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (clampWeights && (s < 0 || s >= from - 1)) {
      s = s < 0 ? 0 : from - 1;
      f = 0;
    }
    ofs[d] = s;
    w[2 * d] = roundHalfEven(Math.fround(1 - f) * CV_COEF_SCALE);
    w[2 * d + 1] = roundHalfEven(f * CV_COEF_SCALE);
  }
  return { ofs, w };
}

/**
 * One square `cv2.resize(..., INTER_LINEAR)` of uint8: a horizontal pass into int rows scaled by
 * 2048 (exact), then the vertical blend OpenCV does in 16-bit-friendly steps: each row value is
 * shifted right by 4, multiplied by its weight and shifted right by 16, the two products summed,
 * and the sum rounded as `(s + 2) >> 2` (total shift 22 = 2 x 11 bits).
 */
class OpenCvLinearResampler {
  private readonly tx: LinearTaps;
  private readonly ty: LinearTaps;
  private readonly rows: Int32Array;
  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {
    this.tx = linearTaps(from, to, true);
    this.ty = linearTaps(from, to, false);
    this.rows = new Int32Array(from * to);
  }

  run(src: Uint8Array, s0: number, out: Uint8Array, o0: number): void {
    const { from, to, rows } = this;
    const { ofs, w } = this.tx;
    const last = from - 1;
    // Horizontal pass: [from, from] -> [from, to], values * 2048.
    for (let y = 0; y < from; y++) {
      const row = s0 + y * from;
      for (let d = 0; d < to; d++) {
        const sx = ofs[d] as number;
        const sx1 = sx < last ? sx + 1 : last;
        rows[y * to + d] = (src[row + sx] as number) * (w[2 * d] as number) + (src[row + sx1] as number) * (w[2 * d + 1] as number);
      }
    }
    // Vertical pass: [from, to] -> [to, to].
    const ty = this.ty;
    const clampRow = (i: number): number => (i < 0 ? 0 : i > last ? last : i) * to;
    for (let d = 0; d < to; d++) {
      const sy = ty.ofs[d] as number;
      const r0 = clampRow(sy);
      const r1 = clampRow(sy + 1);
      const b0 = ty.w[2 * d] as number;
      const b1 = ty.w[2 * d + 1] as number;
      const o = o0 + d * to;
      for (let x = 0; x < to; x++) {
        const v = (((b0 * ((rows[r0 + x] as number) >> 4)) >> 16) + ((b1 * ((rows[r1 + x] as number) >> 4)) >> 16) + 2) >> 2;
        out[o + x] = v > 255 ? 255 : v;
      }
    }
  }
}
