/**
 * Global pooling of a CNN feature map `[C, H, W]` (row-major float32) into a C-vector, as
 * cirtorch (`cirtorch/layers/functional.py`) defines them:
 * - MAC: max over the H x W positions;
 * - GeM(p): (mean over positions of clamp(x, eps)^p)^(1/p), eps = 1e-6, p = 3 by default;
 * - R-MAC (L = 3): the MAC of the whole map, L2-normalised, plus the L2-normalised MACs of square
 *   regions on L scales (region side 2 min(H, W) / (l + 1) at scale l, overlap about 0.4 between
 *   neighbours: the number of extra regions along the longer side is chosen among 1..6 to bring
 *   the overlap closest to 0.4), summed; cirtorch's `rmac`.
 * Then L2 normalisation: x / (||x|| + eps), eps = 1e-6 (cirtorch `l2n`).
 */
export const GEM_EPS = 1e-6;
export const L2N_EPS = 1e-6;

export interface FeatureMap {
  channels: number;
  height: number;
  width: number;
  data: Float32Array;
}

export function macPool(m: FeatureMap): Float32Array {
  return regionMax(m, 0, 0, m.height, m.width);
}

export function gemPool(m: FeatureMap, p = 3, eps = GEM_EPS): Float32Array {
  const { channels: C, height: H, width: W, data } = m;
  const out = new Float32Array(C);
  const n = H * W;
  for (let c = 0; c < C; c++) {
    let s = 0;
    const o = c * n;
    for (let i = 0; i < n; i++) s += Math.max(data[o + i]!, eps) ** p;
    out[c] = (s / n) ** (1 / p);
  }
  return out;
}

/** Max per channel over rows [y0, y0 + h) and columns [x0, x0 + w). */
function regionMax(m: FeatureMap, y0: number, x0: number, h: number, w: number): Float32Array {
  const { channels: C, height: H, width: W, data } = m;
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let best = -Infinity;
    for (let y = y0; y < y0 + h; y++) {
      const row = c * H * W + y * W;
      for (let x = x0; x < x0 + w; x++) if (data[row + x]! > best) best = data[row + x]!;
    }
    out[c] = best;
  }
  return out;
}

export function l2Normalize(v: Float32Array, eps = L2N_EPS): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) + eps;
  return v.map((x) => x / n);
}

function addNormalized(acc: Float32Array, v: Float32Array): void {
  const u = l2Normalize(v);
  for (let i = 0; i < acc.length; i++) acc[i]! += u[i]!;
}

/**
 * R-MAC regions `[y, x, side]` of an H x W map for L scales (cirtorch `rmac`'s grid). cirtorch
 * computes the overlap criterion and the region starts in float32 tensors (torch.Tensor), which
 * decides ties (5 x 9: two step counts at the same overlap) and starts that land on an integer
 * (2 x 32: 7 x 31/7); the arithmetic here is rounded to float32 at the same points.
 */
export function rmacRegions(H: number, W: number, L = 3): [number, number, number][] {
  const f = Math.fround;
  const ovr = f(0.4);
  const w = Math.min(W, H);
  const steps = [2, 3, 4, 5, 6, 7];
  let idx = 0;
  let best = Infinity;
  steps.forEach((s, i) => {
    // int / tensor is tensor.reciprocal() * int in torch (Tensor.__rdiv__)
    const b = f(f(1 / (s - 1)) * (Math.max(H, W) - w));
    const d = Math.abs(f(f(f(w * w - f(w * b)) / (w * w)) - ovr));
    // torch.min keeps the first of equal values
    if (d < best) {
      best = d;
      idx = i;
    }
  });
  const Wd = H < W ? idx + 1 : 0;
  const Hd = H > W ? idx + 1 : 0;
  const out: [number, number, number][] = [];
  for (let l = 1; l <= L; l++) {
    const wl = Math.floor((2 * w) / (l + 1));
    if (wl === 0) continue;
    const wl2 = Math.floor(wl / 2 - 1);
    const starts = (extra: number, size: number): number[] => {
      const b = f(l + extra === 1 ? 0 : (size - wl) / (l + extra - 1));
      return Array.from({ length: l + extra }, (_, i) => Math.floor(f(wl2 + f(i * b))) - wl2);
    };
    for (const y of starts(Hd, H)) for (const x of starts(Wd, W)) out.push([y, x, wl]);
  }
  return out;
}

export function rmacPool(m: FeatureMap, L = 3): Float32Array {
  const acc = new Float32Array(m.channels);
  addNormalized(acc, macPool(m));
  for (const [y, x, s] of rmacRegions(m.height, m.width, L)) addNormalized(acc, regionMax(m, y, x, s, s));
  return acc;
}

export type Pooling = 'gem' | 'mac' | 'rmac';
export const POOLINGS: readonly Pooling[] = ['gem', 'mac', 'rmac'];

export function pool(m: FeatureMap, p: Pooling, o: { gemP?: number } = {}): Float32Array {
  if (p === 'gem') return gemPool(m, o.gemP ?? 3);
  if (p === 'mac') return macPool(m);
  return rmacPool(m);
}
