import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { globalFeaturesShape, type GlobalFeaturesLayout } from './formats/global-features-shape';
import { readNpy, npyToCOrder } from './formats/npy';
import { readRevisitopGnd, type RevisitopGnd, type RevisitopQuery } from './formats/revisitop-gnd';
import type { RasterImage } from './image-io';
import { readLines } from './text-table';

/**
 * Revisited Oxford and Paris (Radenovic et al. CVPR 2018) and the R1M distractors, laid out as
 * the revisitop / cnnimageretrieval code does: `<root>/<name>/gnd_<name>.pkl` and
 * `<root>/<name>/jpg/<image>.jpg`; `<root>/revisitop1m/revisitop1m.txt` (one relative image
 * name per line) and `<root>/revisitop1m/jpg/`.
 */
export const REVISITOP_DATASETS = ['roxford5k', 'rparis6k'] as const;
export type RevisitopName = (typeof REVISITOP_DATASETS)[number];

/** Counts of the official files (70 queries each). */
export const REVISITOP_COUNTS: Readonly<Record<RevisitopName, { queries: number; images: number }>> = {
  roxford5k: { queries: 70, images: 4993 },
  rparis6k: { queries: 70, images: 6322 },
};
/** The R1M list holds 1,001,001 distractor images. */
export const REVISITOP_1M_COUNT = 1001001;

export interface RevisitopDataset {
  name: string;
  dir: string;
  gnd: RevisitopGnd;
  /** `<dir>/jpg/<imlist[i]>.jpg` */
  imagePath(i: number): string;
  /** `<dir>/jpg/<qimlist[q]>.jpg` */
  queryImagePath(q: number): string;
}

/** Load `<root>/<name>/gnd_<name>.pkl` (the pickle is parsed safely, never executed). */
export function loadRevisitopDataset(root: string, name: string): RevisitopDataset {
  const dir = join(root, name);
  const file = join(dir, `gnd_${name}.pkl`);
  if (!existsSync(file)) throw new InputError(`missing ground truth gnd_${name}.pkl`, { file });
  const gnd = readRevisitopGnd(file);
  const jpg = join(dir, 'jpg');
  const at = (list: string[], i: number, what: string): string => {
    const n = list[i];
    if (n === undefined) throw new RangeError(`${what} ${i} outside 0..${list.length - 1}`);
    return join(jpg, `${n}.jpg`);
  };
  return { name, dir, gnd, imagePath: (i) => at(gnd.imlist, i, 'image'), queryImagePath: (q) => at(gnd.qimlist, q, 'query') };
}

/**
 * Evaluation protocol lists for one query (PROTOCOLS.md): easy: ok = easy, junk = junk + hard;
 * medium: ok = easy + hard, junk = junk; hard: ok = hard, junk = junk + easy.
 */
export type RevisitopProtocol = 'easy' | 'medium' | 'hard';
export function protocolLists(q: RevisitopQuery, p: RevisitopProtocol): { ok: number[]; junk: number[] } {
  if (p === 'easy') return { ok: [...q.easy], junk: [...q.junk, ...q.hard] };
  if (p === 'medium') return { ok: [...q.easy, ...q.hard], junk: [...q.junk] };
  if (p === 'hard') return { ok: [...q.hard], junk: [...q.junk, ...q.easy] };
  throw new RangeError(`unknown protocol ${String(p)}`);
}

/** Python's round (half to even), as PIL's `Image.crop` applies to float boxes. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** How a query box `[x1, y1, x2, y2]` is cut. */
export type CropConvention = 'python' | 'matlab';

/**
 * Integer pixel rectangle `[x0, y0, x1, y1)` (end-exclusive) of a query box.
 * - `python` (revisitop python, cirtorch): PIL `img.crop(bbx)`: each coordinate rounded half to
 *   even, end-exclusive.
 * - `matlab` (revisitop MATLAB): the same rounded box with the last row and column included
 *   (one more pixel each way).
 */
export function queryCropRect(bbx: readonly number[], convention: CropConvention = 'python'): [number, number, number, number] {
  if (bbx.length !== 4) throw new InputError(`a query box has 4 numbers, got ${bbx.length}`);
  const [x1, y1, x2, y2] = bbx.map(roundHalfEven) as [number, number, number, number];
  const extra = convention === 'matlab' ? 1 : 0;
  if (x2 + extra <= x1 || y2 + extra <= y1) throw new InputError(`empty query box [${bbx.join(', ')}]`);
  return [x1, y1, x2 + extra, y2 + extra];
}

/** Crop a query image by its box. Pixels outside the image are 0, as PIL's crop pads. */
export function cropQuery(img: RasterImage, bbx: readonly number[], convention: CropConvention = 'python'): RasterImage {
  const [x0, y0, x1, y1] = queryCropRect(bbx, convention);
  const w = x1 - x0;
  const h = y1 - y0;
  const c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= img.height) continue;
    for (let x = 0; x < w; x++) {
      const sx = x0 + x;
      if (sx < 0 || sx >= img.width) continue;
      for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = img.data[(sy * img.width + sx) * c + k] as number;
    }
  }
  return { width: w, height: h, channels: c, data };
}

/** The R1M distractor list (`revisitop1m.txt`): relative image names, one per line. */
export function readImageList(file: string): string[] {
  const lines = readLines(file);
  return lines.map((l, i) => {
    const t = l.trim();
    if (t === '') throw new InputError('empty line in an image list', { file, line: i + 1 });
    if (t.includes('..') || t.startsWith('/')) throw new InputError(`image name must be a relative path inside the dataset: ${JSON.stringify(t)}`, { file, line: i + 1 });
    return t;
  });
}

/** Global descriptors `[N, D]` float32, row i = image i. */
export interface GlobalFeatures {
  count: number;
  dim: number;
  data: Float32Array;
}

/** `layout: 'columns'` (`[D, N]`, cirtorch's `vecs`) is transposed on load. */
export type ReadFeaturesOptions = GlobalFeaturesLayout;

/** Read a float32 / float16 / float64 `.npy` of global descriptors into `[N, D]` float32. */
export function readGlobalFeatures(file: string, o: ReadFeaturesOptions = {}): GlobalFeatures {
  if (!existsSync(file)) throw new InputError('missing feature file', { file });
  const a = npyToCOrder(readNpy(file));
  const { count, dim, cols } = globalFeaturesShape(file, a.dtype, a.shape, o);
  const src = a.data as Float32Array | Float64Array;
  let data: Float32Array;
  if (!cols) data = src instanceof Float32Array ? src : Float32Array.from(src);
  else {
    data = new Float32Array(count * dim);
    for (let d = 0; d < dim; d++) for (let i = 0; i < count; i++) data[i * dim + d] = src[d * count + i] as number;
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new InputError(`non-finite value at descriptor ${Math.floor(i / dim)}, component ${i % dim}`, { file });
  }
  return { count, dim, data };
}

/** Database / query (/ distractor) descriptors of a revisitop dataset, checked against its gnd. */
export interface RevisitopFeatures {
  db: GlobalFeatures;
  queries: GlobalFeatures;
  distractors?: GlobalFeatures;
}

/**
 * Read the global descriptors of a dataset: `db` must have |imlist| rows and `queries`
 * |qimlist| rows, all of one dimension (InputError otherwise).
 */
export function readRevisitopFeatures(
  ds: RevisitopDataset,
  files: { db: string; queries: string; distractors?: string },
  o: { layout?: 'rows' | 'columns' } = {},
): RevisitopFeatures {
  const layout = o.layout ?? 'rows';
  const db = readGlobalFeatures(files.db, { layout, count: ds.gnd.imlist.length });
  const queries = readGlobalFeatures(files.queries, { layout, count: ds.gnd.qimlist.length, dim: db.dim });
  if (files.distractors === undefined) return { db, queries };
  return { db, queries, distractors: readGlobalFeatures(files.distractors, { layout, dim: db.dim }) };
}
