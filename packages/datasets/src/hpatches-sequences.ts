import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { readPnm, type RasterImage } from './image-io';
import { parseNumberToken, readLines } from './text-table';

/**
 * HPatches sequences release (`hpatches-sequences-release/<seq>/`): images `1.ppm` .. `6.ppm`
 * and homographies `H_1_2` .. `H_1_6` (3x3 text, rows on lines, maps image 1 to image k:
 * `x_k ~ H_1_k x_1`, pixel coordinates).
 */

/** A 3x3 homography, row-major. */
export type Homography = Float64Array;

/** Read a 3x3 homography text file (exactly 3 non-empty lines of 3 numbers). */
export function readHomography(file: string): Homography {
  const lines = readLines(file);
  const H = new Float64Array(9);
  let row = 0;
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t === '') continue;
    if (row >= 3) throw new InputError('a homography has 3 rows; found a 4th', { file, line: i + 1 });
    const cols = t.split(/[\s,]+/);
    if (cols.length !== 3) throw new InputError(`a homography row has 3 numbers, found ${cols.length}`, { file, line: i + 1 });
    cols.forEach((c, j) => (H[row * 3 + j] = parseNumberToken(c, file, i + 1, j)));
    row++;
  }
  if (row < 3) throw new InputError(`a homography has 3 rows, found ${row}`, { file, line: lines.length + 1 });
  if (Math.abs(det3(H)) < 1e-12) throw new InputError('singular homography', { file });
  return H;
}

export function det3(m: Float64Array): number {
  const [a, b, c, d, e, f, g, h, i] = m as unknown as number[] as [number, number, number, number, number, number, number, number, number];
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** Inverse of a 3x3 matrix. */
export function invert3(m: Float64Array): Float64Array {
  const [a, b, c, d, e, f, g, h, i] = m as unknown as number[] as [number, number, number, number, number, number, number, number, number];
  const det = det3(m);
  if (det === 0) throw new RangeError('singular matrix');
  return Float64Array.from([e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d]).map(
    (v) => v / det,
  );
}

/** `a @ b` for 3x3 row-major matrices. */
export function mul3(a: Float64Array, b: Float64Array): Float64Array {
  const o = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) o[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  return o;
}

/** Apply a homography to a point. */
export function applyHomography(H: Float64Array, x: number, y: number): [number, number] {
  const w = H[6]! * x + H[7]! * y + H[8]!;
  return [(H[0]! * x + H[1]! * y + H[2]!) / w, (H[3]! * x + H[4]! * y + H[5]!) / w];
}

export interface HPatchesImageSequence {
  name: string;
  /** Images 1..6 (index 0 = reference image `1.ppm`). */
  images: RasterImage[];
  /** `H_1_k` for k = 2..6 (index 0 = H_1_2). */
  homographies: Homography[];
}

/** Load `1.ppm..6.ppm` and `H_1_2..H_1_6` of one sequence folder. */
export function loadHPatchesImageSequence(dir: string, o: { loadImages?: boolean } = {}): HPatchesImageSequence {
  const name = dir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? dir;
  const images: RasterImage[] = [];
  const homographies: Homography[] = [];
  for (let k = 1; k <= 6; k++) {
    const f = join(dir, `${k}.ppm`);
    if (!existsSync(f)) throw new InputError(`missing image ${k}.ppm`, { file: f });
    if (o.loadImages !== false) images.push(readPnm(f));
    if (k >= 2) {
      const hf = join(dir, `H_1_${k}`);
      if (!existsSync(hf)) throw new InputError(`missing homography H_1_${k}`, { file: hf });
      homographies.push(readHomography(hf));
    }
  }
  return { name, images, homographies };
}
