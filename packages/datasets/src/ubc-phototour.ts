import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, createProgress } from '@descbench/core';
import { decodeBmp8 } from './bmp';
import { resizePatches, type ResizeConvention } from './patch-resize';
import { parseIntToken, parseNumberToken, readLines, splitColumns } from './text-table';

/**
 * UBC PhotoTour ("Learning Local Image Descriptors", Winder & Brown): liberty, notredame,
 * yosemite. A subset folder holds `patchesNNNN.bmp` tiles (1024x1024, 8-bit, a 16x16 grid of
 * 64x64 patches, row-major: patch n is in tile floor(n/256), row floor((n mod 256)/16), column
 * n mod 16), `info.txt` (column 0 = 3D point id per patch), `interest.txt` (one keypoint per patch)
 * and `m50_<npos>_<nneg>_0.txt` pair files.
 */
export const UBC_SUBSETS = ['liberty', 'notredame', 'yosemite'] as const;
export type UbcSubset = (typeof UBC_SUBSETS)[number];

/** Usable patch counts per subset (torchvision truncates the last tile to these). */
export const UBC_PATCH_COUNTS: Readonly<Record<UbcSubset, number>> = {
  liberty: 450092,
  notredame: 468159,
  yosemite: 633587,
};

export const UBC_TILE_SIZE = 1024;
export const UBC_PATCH_SIZE = 64;
export const UBC_PATCHES_PER_ROW = 16;
export const UBC_PATCHES_PER_TILE = 256;
/** The standard test pair file (50k positives, 50k negatives). */
export const UBC_TEST_PAIRS_FILE = 'm50_100000_100000_0.txt';

/** `count` square patches in one array: `data` is `[count, size, size]` uint8, row-major. */
export interface PatchSet {
  count: number;
  size: number;
  data: Uint8Array;
}

/** View of patch `i` of a set, `[size, size]` (no copy). */
export function patchAt(set: PatchSet, i: number): Uint8Array {
  if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new RangeError(`patch ${i} outside 0..${set.count - 1}`);
  const n = set.size * set.size;
  return set.data.subarray(i * n, (i + 1) * n);
}

/** The sorted tile files of a subset folder (`*.bmp`, sorted by name as torchvision does). */
export function listUbcTiles(dir: string): string[] {
  if (!existsSync(dir)) throw new InputError('UBC subset folder does not exist', { file: dir });
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.bmp'))
    .sort();
  if (files.length === 0) throw new InputError('no .bmp patch tiles in the folder', { file: dir });
  return files.map((f) => join(dir, f));
}

/** Decode one tile and check it is 1024x1024 8-bit gray; returns `[1024, 1024]` pixels, top row first. */
export function readUbcTile(file: string): Uint8Array {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read tile: ${(e as Error).message}`, { file });
  }
  const img = decodeBmp8(buf, file);
  if (img.width !== UBC_TILE_SIZE || img.height !== UBC_TILE_SIZE) {
    throw new InputError(`tile is ${img.width}x${img.height}, expected ${UBC_TILE_SIZE}x${UBC_TILE_SIZE}`, { file, offset: 18 });
  }
  return img.pixels;
}

export interface LoadUbcPatchesOptions {
  /** Output patch side: 64 (native) or 32 (downsampled with `resize`). Default 64. */
  size?: 64 | 32;
  /** Required when size is 32. */
  resize?: ResizeConvention;
  /** Keep the first `count` patches (default: all patches of all tiles). */
  count?: number;
  /** Show progress on stderr (default true). */
  progress?: boolean;
}

/**
 * Cut every tile of a subset folder into patches, tile by tile (memory stays at the output plus
 * one tile): `[count, size, size]` uint8. At 32x32, 450k patches take ~0.46 GB.
 */
export function loadUbcPatches(dir: string, o: LoadUbcPatchesOptions = {}): PatchSet {
  const size = o.size ?? 64;
  if (size !== 64 && size !== 32) throw new RangeError(`patch size must be 64 or 32, got ${size}`);
  if (size === 32 && o.resize === undefined) throw new RangeError('size 32 needs a resize convention (box2x2 or pil-antialias)');
  const tiles = listUbcTiles(dir);
  const capacity = tiles.length * UBC_PATCHES_PER_TILE;
  const count = o.count ?? capacity;
  if (!Number.isInteger(count) || count < 0 || count > capacity) {
    throw new InputError(`${count} patches requested but ${tiles.length} tiles hold at most ${capacity}`, { file: dir });
  }
  const nTiles = Math.ceil(count / UBC_PATCHES_PER_TILE);
  const per = size * size;
  const data = new Uint8Array(count * per);
  const cut = new Uint8Array(UBC_PATCHES_PER_TILE * UBC_PATCH_SIZE * UBC_PATCH_SIZE);
  const bar = o.progress === false ? undefined : createProgress('decode UBC tiles', nTiles);
  for (let t = 0; t < nTiles; t++) {
    const px = readUbcTile(tiles[t] as string);
    const inTile = Math.min(UBC_PATCHES_PER_TILE, count - t * UBC_PATCHES_PER_TILE);
    const dst = data.subarray(t * UBC_PATCHES_PER_TILE * per);
    if (size === 64) cutTile(px, inTile, dst);
    else if (o.resize === 'box2x2') boxTile(px, inTile, dst);
    else {
      cutTile(px, inTile, cut);
      resizePatches(cut, inTile, 64, 32, o.resize as ResizeConvention, dst);
    }
    bar?.tick();
  }
  bar?.done();
  return { count, size, data };
}

/** Copy the first `n` 64x64 patches of a `[1024, 1024]` tile into `out` as `[n, 64, 64]`. */
function cutTile(px: Uint8Array, n: number, out: Uint8Array): void {
  const P = UBC_PATCH_SIZE;
  for (let k = 0; k < n; k++) {
    const r = Math.floor(k / UBC_PATCHES_PER_ROW);
    const c = k % UBC_PATCHES_PER_ROW;
    for (let y = 0; y < P; y++) {
      const s = (r * P + y) * UBC_TILE_SIZE + c * P;
      out.set(px.subarray(s, s + P), (k * P + y) * P);
    }
  }
}

/**
 * Fused cut + `box2x2` for the first `n` patches of a tile: `[n, 32, 32]`, each output pixel
 * `(a + b + c + d + 2) >> 2` of its 2x2 block (same numbers as resizePatches(..., 'box2x2')).
 */
function boxTile(px: Uint8Array, n: number, out: Uint8Array): void {
  const W = UBC_TILE_SIZE;
  for (let k = 0; k < n; k++) {
    const r = (k / UBC_PATCHES_PER_ROW) | 0;
    const c = k % UBC_PATCHES_PER_ROW;
    const o0 = k * 1024;
    for (let y = 0; y < 32; y++) {
      let s0 = (r * 64 + 2 * y) * W + c * 64;
      let s1 = s0 + W;
      const o = o0 + y * 32;
      for (let x = 0; x < 32; x++, s0 += 2, s1 += 2) {
        out[o + x] = ((px[s0] as number) + (px[s0 + 1] as number) + (px[s1] as number) + (px[s1 + 1] as number) + 2) >> 2;
      }
    }
  }
}

/** `info.txt`: the 3D point id of every patch (column 0), as Int32Array `[N]`. */
export function readUbcInfo(file: string): Int32Array {
  const lines = readLines(file);
  const ids = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const cols = splitColumns(lines[i] as string, 1, file, i + 1);
    const v = parseIntToken(cols[0] as string, file, i + 1, 0);
    if (v < 0 || v > 0x7fffffff) throw new InputError(`3D point id ${v} out of range`, { file, line: i + 1, column: 0 });
    ids[i] = v;
    for (let c = 1; c < cols.length; c++) parseNumberToken(cols[c] as string, file, i + 1, c);
  }
  return ids;
}

/** `interest.txt`: one keypoint per patch: reference image id, x, y, orientation, scale (log2 units). */
export interface UbcInterestPoints {
  imageId: Int32Array;
  x: Float64Array;
  y: Float64Array;
  orientation: Float64Array;
  scale: Float64Array;
}

export function readUbcInterest(file: string): UbcInterestPoints {
  const lines = readLines(file);
  const n = lines.length;
  const r: UbcInterestPoints = {
    imageId: new Int32Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    orientation: new Float64Array(n),
    scale: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const cols = splitColumns(lines[i] as string, 5, file, i + 1);
    r.imageId[i] = parseIntToken(cols[0] as string, file, i + 1, 0);
    r.x[i] = parseNumberToken(cols[1] as string, file, i + 1, 1);
    r.y[i] = parseNumberToken(cols[2] as string, file, i + 1, 2);
    r.orientation[i] = parseNumberToken(cols[3] as string, file, i + 1, 3);
    r.scale[i] = parseNumberToken(cols[4] as string, file, i + 1, 4);
  }
  return r;
}

/** Test pairs: `[M]` each; label 1 = same 3D point. */
export interface UbcPairs {
  patch1: Int32Array;
  patch2: Int32Array;
  point1: Int32Array;
  point2: Int32Array;
  label: Uint8Array;
}

/**
 * A `m50_*` pair file (`patchID1 3DpointID1 unused1 patchID2 3DpointID2 unused2`): columns 0 = patch1,
 * 1 = point1, 3 = patch2, 4 = point2 (the others unused but
 * must be numeric); label = point1 == point2. With `numPatches`, patch ids outside
 * `0..numPatches-1` are an InputError naming the line.
 */
export function readUbcPairs(file: string, o: { numPatches?: number } = {}): UbcPairs {
  const lines = readLines(file);
  const m = lines.length;
  const r: UbcPairs = {
    patch1: new Int32Array(m),
    patch2: new Int32Array(m),
    point1: new Int32Array(m),
    point2: new Int32Array(m),
    label: new Uint8Array(m),
  };
  for (let i = 0; i < m; i++) {
    const ln = i + 1;
    const cols = splitColumns(lines[i] as string, 5, file, ln);
    const v = cols.map((c, j) => (j === 0 || j === 1 || j === 3 || j === 4 ? parseIntToken(c, file, ln, j) : parseNumberToken(c, file, ln, j)));
    const [p1, q1, , p2, q2] = v as [number, number, number, number, number];
    for (const [p, col] of [
      [p1, 0],
      [p2, 3],
    ] as const) {
      if (p < 0 || (o.numPatches !== undefined && p >= o.numPatches)) {
        throw new InputError(`patch id ${p} outside 0..${(o.numPatches ?? 1) - 1}`, { file, line: ln, column: col });
      }
    }
    r.patch1[i] = p1;
    r.patch2[i] = p2;
    r.point1[i] = q1;
    r.point2[i] = q2;
    r.label[i] = q1 === q2 ? 1 : 0;
  }
  return r;
}

/** A whole subset: patches, point id per patch, and the test pairs when present. */
export interface UbcDataset {
  name: string;
  dir: string;
  patches: PatchSet;
  /** `[N]` 3D point id per patch. */
  pointIds: Int32Array;
  /** The `m50_100000_100000_0.txt` pairs (or `pairsFile`), if the file exists. */
  pairs?: UbcPairs;
}

export interface LoadUbcOptions extends Omit<LoadUbcPatchesOptions, 'count'> {
  /**
   * Pair file name inside the folder. Default: `m50_100000_100000_0.txt` if present, else the
   * only `m50_*.txt` file of the folder (generated data names it after its pair count).
   */
  pairsFile?: string;
}

/** The pair file a subset folder uses (see LoadUbcOptions.pairsFile); undefined when none. */
export function findPairsFile(dir: string, name?: string): string | undefined {
  if (name !== undefined) {
    const f = join(dir, name);
    if (!existsSync(f)) throw new InputError('pair file not found', { file: f });
    return f;
  }
  const def = join(dir, UBC_TEST_PAIRS_FILE);
  if (existsSync(def)) return def;
  const m50 = readdirSync(dir).filter((f) => /^m50_.*\.txt$/.test(f));
  return m50.length === 1 ? join(dir, m50[0] as string) : undefined;
}

/**
 * Load a subset folder. The patch count is the number of `info.txt` lines (the usable patches;
 * the last tile is partly empty), which must fit in the tiles.
 */
export function loadUbcDataset(dir: string, o: LoadUbcOptions = {}): UbcDataset {
  const infoFile = join(dir, 'info.txt');
  if (!existsSync(infoFile)) throw new InputError('missing info.txt (3D point id per patch)', { file: infoFile });
  const pointIds = readUbcInfo(infoFile);
  const patches = loadUbcPatches(dir, { ...o, count: pointIds.length });
  const pairsPath = findPairsFile(dir, o.pairsFile);
  const pairs = pairsPath !== undefined ? readUbcPairs(pairsPath, { numPatches: patches.count }) : undefined;
  const name = dir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? dir;
  return pairs === undefined ? { name, dir, patches, pointIds } : { name, dir, patches, pointIds, pairs };
}
