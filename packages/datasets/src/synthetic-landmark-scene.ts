import { SeededRng } from '@descbench/core';
import { addValueNoiseOctave, type SceneTexture } from './synthetic-texture';

/**
 * A generated LANDMARK scene (a building seen front-on): facade blocks, each a tone with a grid of
 * windows whose spacing, shape and polarity are the landmark's own style, plus ornaments (blobs,
 * bars) in a layout drawn from the seed, over a faint value-noise ground. Unlike the clutter
 * textures (makeSceneTexture: value noise, what the occluders and unlisted images show), the
 * identity lives in high-contrast local structure at the scale a small backbone sees, which a
 * scaled, rotated, relit and partly occluded view keeps (the Medium protocol's positives are such
 * views). The raster covers `size` x `size` so that views drawn around its centre stay inside it
 * (no clamped-edge streaks). Deterministic in the seed. Values 0..255, row-major.
 */
export function makeLandmarkScene(seed: number, size: number): SceneTexture {
  const rng = new SeededRng(seed);
  const data = new Float32Array(size * size);
  const fill = (x0: number, y0: number, w: number, h: number, v: number): void => {
    const xa = Math.max(0, Math.round(x0));
    const ya = Math.max(0, Math.round(y0));
    const xb = Math.min(size, Math.round(x0 + w));
    const yb = Math.min(size, Math.round(y0 + h));
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) data[y * size + x]! += v;
  };
  // faint ground: value noise at cells size/6 .. size/24
  for (const [cell, amp] of [
    [size / 6, 14],
    [size / 12, 9],
    [size / 24, 6],
  ] as const)
    addValueNoiseOctave(data, size, cell, amp, rng);
  // the landmark's style: window grid spacing, window shape, polarity and contrast
  const spacing = 9 + 9 * rng.float();
  const winW = spacing * (0.3 + 0.35 * rng.float());
  const winH = spacing * (0.35 + 0.5 * rng.float());
  const polarity = rng.float() < 0.5 ? -1 : 1;
  const contrast = 55 + 35 * rng.float();
  // facade blocks: about one per (size / 4)^2, 12 .. 40 % of the side each
  const blocks = Math.round((size * size) / ((size / 4) * (size / 4)));
  for (let b = 0; b < blocks; b++) {
    const w = size * (0.12 + 0.28 * rng.float());
    const h = size * (0.12 + 0.28 * rng.float());
    const x0 = rng.float() * (size - w);
    const y0 = rng.float() * (size - h);
    fill(x0, y0, w, h, (2 * rng.float() - 1) * 35);
    const cols = Math.floor((w - 4) / spacing);
    const rows = Math.floor((h - 4) / spacing);
    const sp = spacing * (0.85 + 0.3 * rng.float());
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) if (rng.float() < 0.85) fill(x0 + 2 + c * sp, y0 + 2 + r * sp, winW, winH, polarity * contrast * (0.7 + 0.3 * rng.float()));
  }
  // ornaments: blobs and oriented bars anywhere on the facade
  const blobs = Math.round((size * size) / 1500);
  for (let b = 0; b < blobs; b++) {
    const cx = rng.float() * size;
    const cy = rng.float() * size;
    const s = 1.5 + 3.5 * rng.float();
    const a = (rng.float() < 0.5 ? -1 : 1) * (50 + 50 * rng.float());
    const r = Math.ceil(3 * s);
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(size, cy + r); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(size, cx + r); x++) data[y * size + x]! += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
  }
  const bars = Math.round((size * size) / 2500);
  for (let b = 0; b < bars; b++) {
    const cx = rng.float() * size;
    const cy = rng.float() * size;
    const len = 8 + 30 * rng.float();
    const half = 1 + 1.5 * rng.float();
    const th = rng.float() * Math.PI;
    const ux = Math.cos(th);
    const uy = Math.sin(th);
    const a = (rng.float() < 0.5 ? -1 : 1) * (50 + 40 * rng.float());
    const r = Math.ceil(len / 2 + half);
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(size, cy + r); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(size, cx + r); x++) {
        const along = (x - cx) * ux + (y - cy) * uy;
        const across = -(x - cx) * uy + (y - cy) * ux;
        if (Math.abs(along) <= len / 2 && Math.abs(across) <= half) data[y * size + x]! += a;
      }
  }
  for (let i = 0; i < data.length; i++) {
    const v = 128 + data[i]!;
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { size, data };
}
