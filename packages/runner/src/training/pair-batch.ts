import type { SeededRng } from '@descbench/core';
import type { PatchSet } from '@descbench/datasets';

/**
 * Patches of a batch as the networks take them: `[B, 1, P, P]` float32 in [0, 1] (uint8 / 255),
 * with HardNet's `--fliprot` augmentation when `rng` is given: per pair, with probability 1/2
 * each, a transpose (rotation by 90 degrees combined with a flip) and a horizontal flip, the same
 * for anchor and positive.
 */
export function pairBatchTensors(set: PatchSet, anchors: Int32Array, positives: Int32Array, rng?: SeededRng): { a: Float32Array; p: Float32Array } {
  const s = set.size;
  const n = s * s;
  const a = new Float32Array(anchors.length * n);
  const p = new Float32Array(anchors.length * n);
  for (let i = 0; i < anchors.length; i++) {
    const rot = rng !== undefined && rng.float() > 0.5;
    const flip = rng !== undefined && rng.float() > 0.5;
    copyPatch(set, anchors[i] as number, a, i * n, rot, flip);
    copyPatch(set, positives[i] as number, p, i * n, rot, flip);
  }
  return { a, p };
}

/** Patch `k` into `out` at `at`, transposed and/or mirrored left-right, scaled to [0, 1]. */
function copyPatch(set: PatchSet, k: number, out: Float32Array, at: number, transpose: boolean, flip: boolean): void {
  const s = set.size;
  const src = k * s * s;
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const xx = flip ? s - 1 - x : x;
      const v = transpose ? set.data[src + xx * s + y] : set.data[src + y * s + xx];
      out[at + y * s + x] = (v as number) / 255;
    }
  }
}

/** Patches `[from, to)` of a set as `[B, 1, P, P]` floats in [0, 1]. */
export function patchRange(set: PatchSet, from: number, to: number): Float32Array {
  const n = set.size * set.size;
  const out = new Float32Array((to - from) * n);
  const src = set.data.subarray(from * n, to * n);
  for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) / 255;
  return out;
}

/** Patches `ids[from..to)` of a set, gathered, as `[B, 1, P, P]` floats in [0, 1]. */
export function gatherPatches(set: PatchSet, ids: ArrayLike<number>, from: number, to: number): Float32Array {
  const n = set.size * set.size;
  const out = new Float32Array((to - from) * n);
  for (let i = from; i < to; i++) {
    const src = (ids[i] as number) * n;
    for (let j = 0; j < n; j++) out[(i - from) * n + j] = (set.data[src + j] as number) / 255;
  }
  return out;
}
