import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, writeDirAtomicSync } from '@descbench/core';
import { HPATCHES_IMAGES } from '../hpatches';
import { readLines } from '../text-table';
import { encodeNpy, npyToCOrder, readNpy } from './npy';

/**
 * Descriptors in the hpatches-benchmark layout: `DIR/<sequence>/<patch type>.csv`, one
 * descriptor a row in strip order, values separated by a delimiter (`,` by default, as the
 * benchmark's `hpatches_extract` scripts write them and its `load_descrs` reads them), or
 * `<patch type>.npy` (`[rows, dim]`, any float/int dtype) with the same names. The benchmark
 * casts every descriptor to float32 on load; so does this reader.
 */
export const HPATCHES_DESCRIPTOR_FORMATS = ['csv', 'npy'] as const;
export type HPatchesDescriptorFormat = (typeof HPATCHES_DESCRIPTOR_FORMATS)[number];

/** `[rows, dim]` row-major float32. */
export interface Float32Matrix {
  data: Float32Array;
  rows: number;
  dim: number;
}

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Read one descriptor `.csv`: blank lines skipped; ragged rows, non-numbers and NaN/inf refused with file:line. */
export function readDescriptorCsv(file: string, delimiter = ','): Float32Matrix {
  const lines = readLines(file);
  const values: number[] = [];
  let dim = -1;
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t === '') continue;
    const cells = t.split(delimiter);
    if (dim === -1) {
      dim = cells.length;
      if (dim === 1 && delimiter !== ' ' && /\s/.test(t)) {
        throw new InputError(`one value per row: is the delimiter ${JSON.stringify(delimiter)} right? (see --delimiter)`, { file, line: i + 1 });
      }
    } else if (cells.length !== dim) {
      throw new InputError(`ragged row: ${cells.length} values, the rows above have ${dim}`, { file, line: i + 1 });
    }
    for (let j = 0; j < cells.length; j++) {
      const c = (cells[j] as string).trim();
      if (!NUM_RE.test(c)) {
        throw new InputError(`value ${j + 1} is ${JSON.stringify(c)}, expected a finite number`, { file, line: i + 1, column: j + 1 });
      }
      const v = Math.fround(Number(c));
      if (!Number.isFinite(v)) throw new InputError(`value ${j + 1} (${c}) overflows float32`, { file, line: i + 1, column: j + 1 });
      values.push(v);
    }
    rows++;
  }
  if (rows === 0) throw new InputError('no descriptors in the file', { file });
  return { data: Float32Array.from(values), rows, dim };
}

/** Read one descriptor `.npy` (`[rows, dim]`), cast to float32; NaN/inf refused with the row. */
export function readDescriptorNpy(file: string): Float32Matrix {
  const a = npyToCOrder(readNpy(file));
  if (a.shape.length !== 2) throw new InputError(`expected a 2-d array [patches, dim], found shape (${a.shape.join(', ')})`, { file });
  const [rows, dim] = a.shape as [number, number];
  if (rows === 0 || dim === 0) throw new InputError(`empty descriptor array (${rows} x ${dim})`, { file });
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) {
    const v = Math.fround(Number(a.data[i] as number | bigint));
    if (!Number.isFinite(v)) throw new InputError(`value ${String(a.data[i])} is not a finite float32`, { file, at: `row ${Math.floor(i / dim)}, column ${i % dim}` });
    data[i] = v;
  }
  return { data, rows, dim };
}

/** The file of one patch type: `<type>.<format>`, or with `format` unset the `.csv`, else the `.npy`. */
export function descriptorFile(seqDir: string, image: string, format?: HPatchesDescriptorFormat): string | undefined {
  const fmts = format !== undefined ? [format] : HPATCHES_DESCRIPTOR_FORMATS;
  for (const f of fmts) {
    const p = join(seqDir, `${image}.${f}`);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Read the 16 descriptor files of one sequence folder. Every file must exist, have the `ref`
 * file's number of rows (one descriptor per patch of its strip) and the same dimension.
 */
export function readHPatchesDescriptorSequence(
  seqDir: string,
  o: { format?: HPatchesDescriptorFormat; delimiter?: string } = {},
): Map<string, Float32Matrix> {
  const out = new Map<string, Float32Matrix>();
  let ref: { file: string; m: Float32Matrix } | undefined;
  for (const im of HPATCHES_IMAGES) {
    const f = descriptorFile(seqDir, im, o.format);
    if (f === undefined) {
      const want = o.format !== undefined ? `${im}.${o.format}` : `${im}.csv or ${im}.npy`;
      throw new InputError(`missing patch type ${im}: no ${want}`, { file: seqDir });
    }
    const m = f.endsWith('.npy') ? readDescriptorNpy(f) : readDescriptorCsv(f, o.delimiter);
    if (ref === undefined) ref = { file: f, m };
    else {
      if (m.rows !== ref.m.rows) {
        const line = f.endsWith('.csv') ? { line: Math.min(m.rows, ref.m.rows) + 1 } : {};
        throw new InputError(`${m.rows} descriptors, but ${ref.file} has ${ref.m.rows} (one per patch of the strip; every patch type has the same patches)`, { file: f, ...line });
      }
      if (m.dim !== ref.m.dim) throw new InputError(`descriptor dimension ${m.dim}, but ${ref.file} has ${ref.m.dim}`, { file: f, line: 1 });
    }
    out.set(im, m);
  }
  return out;
}

/** Sequence folders (`i_*`, `v_*`) of a descriptor root, sorted. */
export function listHPatchesDescriptorSequences(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError('descriptor folder does not exist', { file: root });
  return readdirSync(root)
    .filter((n) => /^[iv]_/.test(n) && statSync(join(root, n)).isDirectory())
    .sort();
}

/** One row of a float32 descriptor as CSV: shortest decimals that read back to the same float32. */
function csvRow(data: Float32Array, off: number, dim: number): string {
  const cells: string[] = new Array(dim);
  for (let k = 0; k < dim; k++) cells[k] = float32Decimal(data[off + k] as number);
  return cells.join(',');
}

/** Shortest decimal string that parses back (as float32) to `v`. */
export function float32Decimal(v: number): string {
  if (Object.is(v, -0)) return '-0';
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/**
 * Write one sequence's descriptors (`ref`, `e1`.., each `[rows, dim]`) as `root/<name>/<type>.<format>`.
 * The folder is written under a temporary name and renamed when complete (a killed run leaves
 * no half-written sequence).
 */
export function writeHPatchesDescriptorSequence(
  root: string,
  name: string,
  images: ReadonlyMap<string, Float32Matrix>,
  format: HPatchesDescriptorFormat,
): string {
  return writeDirAtomicSync(join(root, name), (tmp) => {
    for (const [im, m] of images) {
      const file = join(tmp, `${im}.${format}`);
      if (format === 'npy') writeFileSync(file, encodeNpy({ data: m.data, shape: [m.rows, m.dim] }));
      else {
        const lines: string[] = new Array(m.rows);
        for (let r = 0; r < m.rows; r++) lines[r] = csvRow(m.data, r * m.dim, m.dim);
        writeFileSync(file, `${lines.join('\n')}\n`);
      }
    }
  });
}
