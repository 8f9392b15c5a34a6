import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import type { GrayImage } from './bmp';
import { readPngGray } from './image-io';
import { readLines } from './text-table';
import type { PatchSet } from './ubc-phototour';

/**
 * HPatches patch release (`hpatches-release/`): one folder per sequence (`i_*` illumination,
 * `v_*` viewpoint) with `ref.png`, `e1..e5.png`, `h1..h5.png`, `t1..t5.png`, each a vertical strip
 * of 65x65 patches (patch k is rows 65k..65k+64). Patch k of every image shows the same scene
 * point. Task definitions (`splits.json`, `retr_*_split-*.csv`) are read here too.
 */
export const HPATCHES_PATCH_SIZE = 65;
export const HPATCHES_NOISE_LEVELS = ['e', 'h', 't'] as const;
export type HPatchesNoise = (typeof HPATCHES_NOISE_LEVELS)[number];
/** The 16 images of a sequence in the release: ref, e1..e5, h1..h5, t1..t5. */
export const HPATCHES_IMAGES: readonly string[] = ['ref', ...HPATCHES_NOISE_LEVELS.flatMap((n) => [1, 2, 3, 4, 5].map((i) => `${n}${i}`))];

/** Cut a strip image into `[N, 65, 65]` patches. Width must be 65, height a multiple of 65. */
export function stripToPatches(img: GrayImage, file = '<strip>'): PatchSet {
  const P = HPATCHES_PATCH_SIZE;
  if (img.width !== P) throw new InputError(`patch strip is ${img.width} px wide, expected ${P}`, { file });
  if (img.height % P !== 0) {
    throw new InputError(`patch strip height ${img.height} is not a multiple of ${P} (${Math.floor(img.height / P)} whole patches + ${img.height % P} rows)`, {
      file,
    });
  }
  return { count: img.height / P, size: P, data: img.pixels };
}

/** Read one strip PNG as 65x65 patches. */
export function readPatchStrip(file: string): PatchSet {
  return stripToPatches(readPngGray(file), file);
}

/** One sequence of the patch release. */
export interface HPatchesSequence {
  name: string;
  kind: 'illum' | 'view';
  /** Image name (`ref`, `e1`, ...) -> its patches; all have the same count. */
  images: Map<string, PatchSet>;
  count: number;
}

export function sequenceKind(name: string): 'illum' | 'view' {
  if (name.startsWith('i_')) return 'illum';
  if (name.startsWith('v_')) return 'view';
  throw new InputError(`sequence name must start with i_ or v_`, { at: `sequence ${JSON.stringify(name)}` });
}

/**
 * Load a sequence folder. `images` picks which strips to read (default all 16 that exist;
 * `ref` is required). Every strip must hold the same number of patches as `ref`.
 */
export function loadHPatchesSequence(dir: string, o: { images?: readonly string[] } = {}): HPatchesSequence {
  const name = dir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? dir;
  const kind = sequenceKind(name);
  const wanted = o.images ?? HPATCHES_IMAGES.filter((im) => im === 'ref' || existsSync(join(dir, `${im}.png`)));
  const images = new Map<string, PatchSet>();
  let count = -1;
  for (const im of ['ref', ...wanted.filter((w) => w !== 'ref')]) {
    const f = join(dir, `${im}.png`);
    if (!existsSync(f)) throw new InputError(`missing patch strip ${im}.png`, { file: f });
    const set = readPatchStrip(f);
    if (count >= 0 && set.count !== count) throw new InputError(`${set.count} patches, but ref.png has ${count}`, { file: f });
    count = set.count;
    images.set(im, set);
  }
  return { name, kind, images, count };
}

/** Sequence folders (`i_*`, `v_*`) of a patch-release root, sorted. */
export function listHPatchesSequences(root: string): string[] {
  if (!existsSync(root)) throw new InputError('HPatches folder does not exist', { file: root });
  return readdirSync(root)
    .filter((n) => /^[iv]_/.test(n) && statSync(join(root, n)).isDirectory())
    .sort();
}

/** One split of `splits.json`: test (and train) sequence names. */
export interface HPatchesSplit {
  name: string;
  test: string[];
  train?: string[];
}

/** `splits.json`: `{ a: { name, test, train }, ..., full: { name, test } }`. */
export function readHPatchesSplits(file: string): Map<string, HPatchesSplit> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('expected an object of splits', { file });
  const out = new Map<string, HPatchesSplit>();
  const names = (v: unknown, key: string, field: string): string[] => {
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && /^[iv]_/.test(s))) {
      throw new InputError(`"${field}" must be a list of sequence names (i_* / v_*)`, { file, at: `split ${JSON.stringify(key)}` });
    }
    return v as string[];
  };
  for (const [key, val] of Object.entries(raw as Record<string, unknown>)) {
    if (val === null || typeof val !== 'object') throw new InputError('split must be an object', { file, at: `split ${JSON.stringify(key)}` });
    const s = val as Record<string, unknown>;
    const split: HPatchesSplit = { name: key, test: names(s.test, key, 'test') };
    if (s.train !== undefined) split.train = names(s.train, key, 'train');
    out.set(key, split);
  }
  return out;
}

/** A retrieval task list (`retr_queries_split-*.csv` / `retr_distractors_split-*.csv`): header `s,idx`. */
export interface HPatchesPatchList {
  sequence: string[];
  index: Int32Array;
}

export function readHPatchesPatchList(file: string): HPatchesPatchList {
  const lines = readLines(file);
  if (lines.length === 0) throw new InputError('empty file (expected header "s,idx")', { file, line: 1 });
  const header = (lines[0] as string).split(',').map((h) => h.trim());
  if (header.length !== 2 || header[0] !== 's' || header[1] !== 'idx') {
    throw new InputError(`expected header "s,idx", found ${JSON.stringify(lines[0])}`, { file, line: 1 });
  }
  const n = lines.length - 1;
  const sequence: string[] = new Array(n);
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const ln = i + 2;
    const cols = (lines[i + 1] as string).split(',').map((c) => c.trim());
    if (cols.length !== 2) throw new InputError(`expected 2 comma-separated fields, found ${cols.length}`, { file, line: ln });
    const [s, idx] = cols as [string, string];
    if (!/^[iv]_\S+$/.test(s)) throw new InputError(`bad sequence name ${JSON.stringify(s)}`, { file, line: ln, column: 's' });
    if (!/^\d+$/.test(idx)) throw new InputError(`patch index must be a non-negative integer, got ${JSON.stringify(idx)}`, { file, line: ln, column: 'idx' });
    sequence[i] = s;
    index[i] = Number(idx);
  }
  return { sequence, index };
}

/**
 * Check a patch list against loaded sequences: every sequence must be known and every index
 * inside its patch count. Throws InputError naming the line (header = line 1).
 */
export function checkPatchList(list: HPatchesPatchList, counts: ReadonlyMap<string, number>, file = '<list>'): void {
  for (let i = 0; i < list.index.length; i++) {
    const s = list.sequence[i] as string;
    const c = counts.get(s);
    if (c === undefined) throw new InputError(`unknown sequence ${JSON.stringify(s)}`, { file, line: i + 2, column: 's' });
    if ((list.index[i] as number) >= c) throw new InputError(`patch index ${list.index[i]} outside 0..${c - 1} of ${s}`, { file, line: i + 2, column: 'idx' });
  }
}

/**
 * Load sequences of a patch release folder: all of them, or the named ones (e.g. a split's
 * `test` list). A named sequence missing from the folder is an InputError.
 */
export function loadHPatchesRelease(root: string, o: { sequences?: readonly string[]; images?: readonly string[] } = {}): Map<string, HPatchesSequence> {
  const names = o.sequences ?? listHPatchesSequences(root);
  const out = new Map<string, HPatchesSequence>();
  for (const n of names) {
    const dir = join(root, n);
    if (!existsSync(dir)) throw new InputError(`sequence ${n} is not in the patch release`, { file: dir });
    out.set(n, loadHPatchesSequence(dir, o.images !== undefined ? { images: o.images } : {}));
  }
  return out;
}
