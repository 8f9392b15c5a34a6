import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { SeededRng, createProgress } from '@descbench/core';
import { encodeBmp8 } from './bmp';
import { makeSceneTexture, renderView, type SceneTexture } from './synthetic-texture';
import { UBC_PATCHES_PER_ROW, UBC_PATCHES_PER_TILE, UBC_PATCH_SIZE, UBC_TILE_SIZE } from './ubc-phototour';

/**
 * Generated UBC-PhotoTour-format data: tiles `patchesNNNN.bmp`, `info.txt`, `interest.txt` and
 * `m50_<P>_<P>_0.txt` (P pairs, half positive), byte-compatible with the real layout.
 *
 * Each 3D point is a location on a procedural scene texture; its 2..maxViews patches are views of
 * that location under small warps (rotation, anisotropic scale, sub-patch shift) and illumination
 * changes (gain, bias, gamma, noise), so matching patches share content and a descriptor can
 * learn the invariances. Points are consecutive in `info.txt`, as in the real files.
 */
export interface SyntheticUbcOptions {
  /** Total number of patches (default 2,048). 450,092 gives a liberty-sized subset. */
  patches?: number;
  /** Number of test pairs in the m50 file (default min(2,000, patches); half positive). */
  pairs?: number;
  seed?: number;
  /** Most views per point (default 4; each point gets 2..maxViews, as the real data's mean ~3). */
  maxViews?: number;
  /** Patches per scene texture (default 4,000): controls scene reuse. */
  patchesPerScene?: number;
  /** Warp strength multiplier (default 1: rotation +-25 deg, scale +-20%, anisotropy +-12%, shift +-5 px, noise 10 gray levels). */
  difficulty?: number;
  progress?: boolean;
}

export interface SyntheticUbcSummary {
  dir: string;
  patches: number;
  points: number;
  tiles: number;
  pairsFile: string;
}

/**
 * Write a generated subset to `dir` (created; written into a temporary sibling folder and renamed
 * at the end, so a killed run leaves no half-written dataset).
 */
export function generateSyntheticUbc(dir: string, o: SyntheticUbcOptions = {}): SyntheticUbcSummary {
  const total = o.patches ?? 2048;
  if (!Number.isInteger(total) || total < 4) throw new RangeError(`patches must be an integer >= 4, got ${total}`);
  const maxViews = o.maxViews ?? 4;
  if (maxViews < 2) throw new RangeError('maxViews must be >= 2');
  const perScene = o.patchesPerScene ?? 4000;
  const k = o.difficulty ?? 1;
  const rng = new SeededRng(o.seed ?? 0);
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const pointOf = new Int32Array(total);
    const info: string[] = new Array(total);
    const interest: string[] = new Array(total);
    const nTiles = Math.ceil(total / UBC_PATCHES_PER_TILE);
    const tilePatches = new Uint8Array(UBC_PATCHES_PER_TILE * UBC_PATCH_SIZE * UBC_PATCH_SIZE);
    const tilePx = new Uint8Array(UBC_TILE_SIZE * UBC_TILE_SIZE);
    const P = UBC_PATCH_SIZE;
    let scene: SceneTexture | undefined;
    let sceneId = -1;
    let n = 0;
    let point = 0;
    const bar = o.progress === false ? undefined : createProgress('generate UBC patches', total);
    const flushTile = (t: number, count: number): void => {
      tilePx.fill(0);
      for (let j = 0; j < count; j++) {
        const r = Math.floor(j / UBC_PATCHES_PER_ROW);
        const c = j % UBC_PATCHES_PER_ROW;
        for (let y = 0; y < P; y++) tilePx.set(tilePatches.subarray((j * P + y) * P, (j * P + y + 1) * P), (r * P + y) * UBC_TILE_SIZE + c * P);
      }
      writeFileSync(join(tmp, `patches${String(t).padStart(4, '0')}.bmp`), encodeBmp8({ width: UBC_TILE_SIZE, height: UBC_TILE_SIZE, pixels: tilePx }));
    };
    while (n < total) {
      const wantScene = Math.floor(n / perScene);
      if (wantScene !== sceneId) {
        sceneId = wantScene;
        scene = makeSceneTexture(rng.fork(1_000_000 + sceneId).int(0, 0x7fffffff), 512);
      }
      const left = total - n;
      let views = rng.int(2, maxViews);
      if (left - views < 2) views = left; // the last point takes the rest (>= 2)
      const cx = 60 + rng.float() * (512 - 120);
      const cy = 60 + rng.float() * (512 - 120);
      const baseScale = 0.5 + rng.float() * 0.7; // texture pixels per patch pixel
      const baseAngle = rng.float() * 2 * Math.PI;
      for (let v = 0; v < views; v++) {
        const th = baseAngle + (rng.float() * 2 - 1) * ((25 * Math.PI) / 180) * k;
        const s = baseScale * (1 + (rng.float() * 2 - 1) * 0.2 * k);
        const an = 1 + (rng.float() * 2 - 1) * 0.12 * k;
        const sx = s * an;
        const sy = s / an;
        const c = Math.cos(th);
        const si = Math.sin(th);
        const A: [number, number, number, number] = [c * sx, -si * sy, si * sx, c * sy];
        const dx = (rng.float() * 2 - 1) * 5 * k * baseScale;
        const dy = (rng.float() * 2 - 1) * 5 * k * baseScale;
        const light = { gain: 0.6 + rng.float() * 0.8, bias: (rng.float() * 2 - 1) * 30, gamma: 0.7 + rng.float() * 0.6, noise: 10 * k };
        const slot = n % UBC_PATCHES_PER_TILE;
        renderView(scene as SceneTexture, P, cx + dx, cy + dy, A, light, rng.int(1, 0x7fffffff), tilePatches, slot * P * P);
        pointOf[n] = point;
        info[n] = `${point} 0`;
        interest[n] = `${sceneId} ${(cx + dx).toFixed(2)} ${(cy + dy).toFixed(2)} ${th.toFixed(4)} ${Math.log2(s * 64).toFixed(4)}`;
        n++;
        bar?.tick();
        if (n % UBC_PATCHES_PER_TILE === 0 || n === total) flushTile(Math.floor((n - 1) / UBC_PATCHES_PER_TILE), slot + 1);
      }
      point++;
    }
    bar?.done();
    writeFileSync(join(tmp, 'info.txt'), info.join('\n') + '\n');
    writeFileSync(join(tmp, 'interest.txt'), interest.join('\n') + '\n');
    // Test pairs: positives = two patches of one point, negatives = patches of two different points.
    const nPairs = o.pairs ?? Math.min(2000, total);
    const starts: number[] = [];
    for (let i = 0; i < total; i++) if (i === 0 || pointOf[i] !== pointOf[i - 1]) starts.push(i);
    starts.push(total);
    const pr = rng.fork(7);
    const lines: string[] = [];
    for (let i = 0; i < nPairs; i++) {
      let a: number;
      let b: number;
      if (i % 2 === 0) {
        const g = pr.int(0, point - 1);
        const s0 = starts[g] as number;
        const len = (starts[g + 1] as number) - s0;
        const u = pr.int(0, len - 1);
        let w = pr.int(0, len - 2);
        if (w >= u) w++;
        a = s0 + u;
        b = s0 + w;
      } else {
        a = pr.int(0, total - 1);
        do b = pr.int(0, total - 1);
        while (pointOf[b] === pointOf[a]);
      }
      lines.push(`${a} ${pointOf[a]} 0 ${b} ${pointOf[b]} 0`);
    }
    const pairsFile = `m50_${nPairs}_${nPairs}_0.txt`;
    writeFileSync(join(tmp, pairsFile), lines.join('\n') + '\n');
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(tmp, dir);
    return { dir, patches: total, points: point, tiles: nTiles, pairsFile };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
