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
 */
export type ResizeConvention = 'box2x2' | 'pil-antialias';

export const RESIZE_CONVENTIONS: readonly ResizeConvention[] = ['box2x2', 'pil-antialias'];

/**
 * Resize `n` square patches `[n, from, from]` to `[n, to, to]` (uint8, row-major).
 * `box2x2` needs `from == 2 * to`; `pil-antialias` takes any sizes.
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
