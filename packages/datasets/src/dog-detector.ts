import type { GrayImage } from './bmp';

/**
 * A Difference-of-Gaussians keypoint detector with Lowe's dominant orientation (SIFT, IJCV 2004):
 * sigma0 = 1.6 (input assumed at blur 0.5), 3 scales per octave, extrema over 3x3x3 DoG
 * neighbourhoods with |D| above `contrastThreshold` (on a 0..1 intensity scale, divided by the
 * scales per octave as in OpenCV), edge responses rejected with ratio r = 10, no sub-pixel
 * refinement and no upsampled first octave. Orientation: 36-bin gradient histogram,
 * Gaussian-weighted with 1.5 sigma within 3 x 1.5 sigma, the highest bin (parabolic
 * interpolation), one orientation per keypoint. Coordinates are pixel centres of the input.
 */
export interface Keypoint {
  x: number;
  y: number;
  /** Detection scale sigma in input pixels. */
  sigma: number;
  /** Dominant gradient orientation in radians, image axes (y down). */
  angle: number;
  /** |DoG| response (0..1 intensity scale). */
  response: number;
}

export interface DogOptions {
  octaves?: number;
  scalesPerOctave?: number;
  sigma0?: number;
  contrastThreshold?: number;
  edgeRatio?: number;
  /** Keep the strongest N (after border filtering), default all. */
  maxKeypoints?: number;
  /** Drop keypoints closer than this many pixels to the border. Default 5. */
  border?: number;
}

/** Separable Gaussian blur of a float image (edge pixels replicated), kernel radius ceil(3 sigma). */
export function gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(src);
  const r = Math.max(1, Math.ceil(3 * sigma));
  const K = 2 * r + 1;
  const k = new Float32Array(K);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < K; i++) k[i]! /= s;
  const tmp = new Float32Array(w * h);
  const pad = new Float32Array(w + 2 * r);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    pad.set(src.subarray(row, row + w), r);
    pad.fill(src[row] as number, 0, r);
    pad.fill(src[row + w - 1] as number, r + w);
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let i = 0; i < K; i++) acc += (pad[x + i] as number) * (k[i] as number);
      tmp[row + x] = acc;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let i = 0; i < K; i++) {
      const yc = y + i - r;
      const yy = yc < 0 ? 0 : yc >= h ? h - 1 : yc;
      const kv = k[i] as number;
      const srow = yy * w;
      for (let x = 0; x < w; x++) out[o + x]! += kv * (tmp[srow + x] as number);
    }
  }
  return out;
}

function halve(src: Float32Array, w: number, h: number): { data: Float32Array; w: number; h: number } {
  const w2 = Math.floor(w / 2);
  const h2 = Math.floor(h / 2);
  const out = new Float32Array(w2 * h2);
  for (let y = 0; y < h2; y++) for (let x = 0; x < w2; x++) out[y * w2 + x] = src[2 * y * w + 2 * x] as number;
  return { data: out, w: w2, h: h2 };
}

export function detectDog(img: GrayImage, o: DogOptions = {}): Keypoint[] {
  const S = o.scalesPerOctave ?? 3;
  const sigma0 = o.sigma0 ?? 1.6;
  const thr = (o.contrastThreshold ?? 0.04) / S;
  const r = o.edgeRatio ?? 10;
  const border = o.border ?? 5;
  const maxOct = o.octaves ?? Math.max(1, Math.floor(Math.log2(Math.min(img.width, img.height))) - 4);
  let base: Float32Array = new Float32Array(img.pixels.length);
  for (let i = 0; i < base.length; i++) base[i] = (img.pixels[i] as number) / 255;
  let w = img.width;
  let h = img.height;
  base = gaussianBlur(base, w, h, Math.sqrt(sigma0 * sigma0 - 0.25));
  interface Cand {
    x: number;
    y: number;
    sigma: number;
    response: number;
    /** Gaussian image, size and octave-local position and blur, for the orientation. */
    L: Float32Array;
    w: number;
    h: number;
    ox: number;
    oy: number;
    os: number;
  }
  const cands: Cand[] = [];
  const kstep = 2 ** (1 / S);
  for (let oct = 0; oct < maxOct && Math.min(w, h) > 16; oct++) {
    const gauss: Float32Array[] = [base];
    for (let i = 1; i < S + 3; i++) {
      const prev = sigma0 * kstep ** (i - 1);
      const inc = Math.sqrt((prev * kstep) ** 2 - prev * prev);
      gauss.push(gaussianBlur(gauss[i - 1] as Float32Array, w, h, inc));
    }
    const dog: Float32Array[] = [];
    for (let i = 0; i < S + 2; i++) {
      const a = gauss[i] as Float32Array;
      const b = gauss[i + 1] as Float32Array;
      const d = new Float32Array(w * h);
      for (let j = 0; j < d.length; j++) d[j] = (b[j] as number) - (a[j] as number);
      dog.push(d);
    }
    const scale = 2 ** oct;
    for (let s = 1; s <= S; s++) {
      const D = dog[s] as Float32Array;
      for (let y = 1; y < h - 1; y++) {
        for (let x = 1; x < w - 1; x++) {
          const v = D[y * w + x] as number;
          if (Math.abs(v) <= thr) continue;
          if (!isExtremum(dog, s, x, y, w, v)) continue;
          // Edge rejection from the 2x2 Hessian of D.
          const dxx = (D[y * w + x + 1] as number) + (D[y * w + x - 1] as number) - 2 * v;
          const dyy = (D[(y + 1) * w + x] as number) + (D[(y - 1) * w + x] as number) - 2 * v;
          const dxy =
            ((D[(y + 1) * w + x + 1] as number) - (D[(y + 1) * w + x - 1] as number) - (D[(y - 1) * w + x + 1] as number) + (D[(y - 1) * w + x - 1] as number)) / 4;
          const tr = dxx + dyy;
          const det = dxx * dyy - dxy * dxy;
          if (det <= 0 || tr * tr * r >= (r + 1) * (r + 1) * det) continue;
          const sigmaOct = sigma0 * kstep ** s;
          const X = x * scale;
          const Y = y * scale;
          const sigma = sigmaOct * scale;
          if (X < border || Y < border || X > img.width - 1 - border || Y > img.height - 1 - border) continue;
          cands.push({ x: X, y: Y, sigma, response: v < 0 ? -v : v, L: gauss[s] as Float32Array, w, h, ox: x, oy: y, os: sigmaOct });
        }
      }
    }
    const next = halve(gauss[S] as Float32Array, w, h);
    base = next.data;
    w = next.w;
    h = next.h;
  }
  // Strongest first; ties by position so the order is deterministic. Orientation only for the kept ones.
  cands.sort((a, b) => b.response - a.response || a.y - b.y || a.x - b.x || a.sigma - b.sigma);
  const kept = o.maxKeypoints !== undefined ? cands.slice(0, o.maxKeypoints) : cands;
  return kept.map((c) => ({ x: c.x, y: c.y, sigma: c.sigma, response: c.response, angle: dominantOrientation(c.L, c.w, c.h, c.ox, c.oy, c.os) }));
}

function isExtremum(dog: Float32Array[], s: number, x: number, y: number, w: number, v: number): boolean {
  const max = v > 0;
  for (let ds = -1; ds <= 1; ds++) {
    const D = dog[s + ds] as Float32Array;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (ds === 0 && dy === 0 && dx === 0) continue;
        const u = D[(y + dy) * w + x + dx] as number;
        if (max ? u >= v : u <= v) return false;
      }
    }
  }
  return true;
}

/** Lowe's dominant orientation at (x, y) of a Gaussian image with blur `sigma`. */
export function dominantOrientation(L: Float32Array, w: number, h: number, x: number, y: number, sigma: number): number {
  const bins = 36;
  const hist = new Float64Array(bins);
  const sw = 1.5 * sigma;
  const rad = (3 * sw + 0.5) | 0;
  for (let dy = -rad; dy <= rad; dy++) {
    const yy = y + dy;
    if (yy <= 0 || yy >= h - 1) continue;
    for (let dx = -rad; dx <= rad; dx++) {
      const xx = x + dx;
      if (xx <= 0 || xx >= w - 1) continue;
      const gx = (L[yy * w + xx + 1] as number) - (L[yy * w + xx - 1] as number);
      const gy = (L[(yy + 1) * w + xx] as number) - (L[(yy - 1) * w + xx] as number);
      const mag = Math.sqrt(gx * gx + gy * gy);
      const wt = Math.exp(-(dx * dx + dy * dy) / (2 * sw * sw));
      const ang = (Math.atan2(gy, gx) + 2 * Math.PI) % (2 * Math.PI);
      const b = ((ang / ((2 * Math.PI) / bins) + 0.5) | 0) % bins;
      hist[b]! += wt * mag;
    }
  }
  // Smooth as Lowe/OpenCV do ([1 4 6 4 1] / 16, circular).
  const sm = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    const g = (k: number): number => hist[(i + k + bins) % bins] as number;
    sm[i] = (g(-2) + g(2)) / 16 + ((g(-1) + g(1)) * 4) / 16 + (g(0) * 6) / 16;
  }
  let best = 0;
  for (let i = 1; i < bins; i++) if ((sm[i] as number) > (sm[best] as number)) best = i;
  const l = sm[(best - 1 + bins) % bins] as number;
  const c = sm[best] as number;
  const rr = sm[(best + 1) % bins] as number;
  const denom = l - 2 * c + rr;
  const off = denom !== 0 ? (0.5 * (l - rr)) / denom : 0;
  return ((best + off) * 2 * Math.PI) / bins;
}
