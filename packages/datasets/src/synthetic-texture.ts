import { SeededRng } from '@descbench/core';

/**
 * Procedural "scene" textures for generated datasets: a square gray raster built from value noise
 * at several octaves plus random blobs, edges and corners (so detectors find structure and
 * descriptors have something to learn). Deterministic in the seed.
 */
export interface SceneTexture {
  size: number;
  /** `[size, size]` values in 0..255, row-major. */
  data: Float32Array;
}

/**
 * Adds one octave of value noise to `data` ([size, size], row-major): a lattice of uniform values
 * in [-1, 1) every `cell` pixels (drawn from `rng` in row order), smoothstep-interpolated, times `amp`.
 */
export function addValueNoiseOctave(data: Float32Array, size: number, cell: number, amp: number, rng: SeededRng): void {
  const g = Math.ceil(size / cell) + 2;
  const grid = new Float32Array(g * g);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.float() * 2 - 1;
  for (let y = 0; y < size; y++) {
    const gy = y / cell;
    const y0 = gy | 0;
    const fy = gy - y0;
    const sy = fy * fy * (3 - 2 * fy);
    for (let x = 0; x < size; x++) {
      const gx = x / cell;
      const x0 = gx | 0;
      const fx = gx - x0;
      const sx = fx * fx * (3 - 2 * fx);
      const i = y0 * g + x0;
      const top = grid[i]! * (1 - sx) + grid[i + 1]! * sx;
      const bot = grid[i + g]! * (1 - sx) + grid[i + g + 1]! * sx;
      data[y * size + x]! += amp * (top * (1 - sy) + bot * sy);
    }
  }
}

export function makeSceneTexture(seed: number, size = 512): SceneTexture {
  const rng = new SeededRng(seed);
  const data = new Float32Array(size * size);
  // Value noise: octaves with cell sizes size/4 .. 4, amplitude ~ cell^0.8.
  for (let cell = size / 4; cell >= 4; cell /= 2) addValueNoiseOctave(data, size, cell, 40 * (cell / (size / 4)) ** 0.5, rng);
  // Blobs (DoG responses) and rectangles (edges, corners).
  const nBlobs = Math.round((size * size) / 2000);
  for (let b = 0; b < nBlobs; b++) {
    const cx = rng.float() * size;
    const cy = rng.float() * size;
    const s = 2 + rng.float() * 8;
    const a = (rng.float() * 2 - 1) * 90;
    const r = Math.ceil(3 * s);
    const ya = Math.max(0, Math.floor(cy - r));
    const yb = Math.min(size, cy + r);
    const xa = Math.max(0, Math.floor(cx - r));
    const xb = Math.min(size, cx + r);
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        data[y * size + x]! += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
      }
    }
  }
  const nRects = Math.round((size * size) / 6000);
  for (let b = 0; b < nRects; b++) {
    const x0 = Math.floor(rng.float() * size);
    const y0 = Math.floor(rng.float() * size);
    const w = 4 + Math.floor(rng.float() * 40);
    const h = 4 + Math.floor(rng.float() * 40);
    const a = (rng.float() * 2 - 1) * 60;
    const yb = Math.min(size, y0 + h);
    const xb = Math.min(size, x0 + w);
    for (let y = y0; y < yb; y++) for (let x = x0; x < xb; x++) data[y * size + x]! += a;
  }
  for (let i = 0; i < data.length; i++) {
    const v = 128 + (data[i] as number);
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { size, data };
}

/** Bilinear sample of a texture at (x, y); outside the raster the edge value is used. */
export function sampleTexture(t: SceneTexture, x: number, y: number): number {
  const n = t.size;
  const xc = x < 0 ? 0 : x > n - 1.001 ? n - 1.001 : x;
  const yc = y < 0 ? 0 : y > n - 1.001 ? n - 1.001 : y;
  const x0 = xc | 0;
  const y0 = yc | 0;
  const fx = xc - x0;
  const fy = yc - y0;
  const i = y0 * n + x0;
  const d = t.data;
  const top = (d[i] as number) * (1 - fx) + (d[i + 1] as number) * fx;
  const bot = (d[i + n] as number) * (1 - fx) + (d[i + n + 1] as number) * fx;
  return top * (1 - fy) + bot * fy;
}

/** A small seeded xorshift32 for per-pixel noise (fast, deterministic); returns [0, 1). */
export function xorshift32(seed: number): () => number {
  let s = seed | 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Photometric change: `gain * v + bias`, then gamma on 0..1, plus triangular noise of amplitude `noise`. */
export interface Illumination {
  gain: number;
  bias: number;
  gamma: number;
  noise: number;
}

/**
 * Render a `[size, size]` uint8 view of a texture: patch pixel (c, r) samples the texture at
 * `(cx, cy) + A [c - (size-1)/2, r - (size-1)/2]` (A row-major 2x2) or through `map` if given.
 */
export function renderView(
  t: SceneTexture,
  size: number,
  cx: number,
  cy: number,
  A: readonly [number, number, number, number],
  light: Illumination,
  noiseSeed: number,
  out: Uint8Array,
  offset = 0,
): void {
  const half = (size - 1) / 2;
  const rnd = xorshift32(noiseSeed);
  // Gain, bias and gamma through a 1024-entry table of the texture value.
  const lut = new Float32Array(1025);
  for (let i = 0; i <= 1024; i++) lut[i] = light.gain * 255 * (i / 1024) ** (1 / light.gamma) + light.bias;
  for (let r = 0; r < size; r++) {
    const v = r - half;
    let x = cx + A[0] * -half + A[1] * v;
    let y = cy + A[2] * -half + A[3] * v;
    for (let c = 0; c < size; c++) {
      const q = sampleTexture(t, x, y) * (1024 / 255);
      const qi = q | 0;
      const base = qi >= 1024 ? (lut[1024] as number) : (lut[qi] as number) + ((lut[qi + 1] as number) - (lut[qi] as number)) * (q - qi);
      let val = base + light.noise * (rnd() + rnd() - 1);
      val = val < 0 ? 0 : val > 255 ? 255 : val;
      out[offset + r * size + c] = (val + 0.5) | 0;
      x += A[0];
      y += A[2];
    }
  }
}
