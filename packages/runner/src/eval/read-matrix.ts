import { readFileSync } from 'node:fs';
import { InputError } from '@descbench/core';
import { npyToCOrder, readNpy, type NpyArray } from '@descbench/datasets';

/** A numeric matrix read from `.npy` or text, row-major. */
export interface NumericMatrix {
  rows: number;
  cols: number;
  values: Float64Array | Int32Array;
}

/**
 * Read a 1-d or 2-d numeric array from `.npy` (any supported dtype, C or Fortran order) or from
 * text (`.csv`, `.txt`, anything else): one row per line, values separated by commas and/or
 * white space, blank lines ignored. A 1-d array is one column. Errors name the file and line.
 * `integers` reads integer values into an Int32Array (refusing anything else).
 */
export function readNumericMatrix(path: string, o: { integers?: boolean } = {}): NumericMatrix {
  if (path.toLowerCase().endsWith('.npy')) return fromNpy(readNpy(path), path, o.integers ?? false);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file: path });
  }
  const lines = text.split(/\r?\n/);
  const rows: number[][] = [];
  let cols = -1;
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t === '') continue;
    const cells = t.split(/[\s,]+/);
    if (cols === -1) cols = cells.length;
    else if (cells.length !== cols) {
      throw new InputError(`expected ${cols} value(s) on the line, found ${cells.length}`, { file: path, line: i + 1 });
    }
    rows.push(
      cells.map((c, j) => {
        const v = o.integers ? (/^[+-]?\d+$/.test(c) ? Number(c) : NaN) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(c) ? parseLoose(c) : NaN;
        if (Number.isNaN(v) && !/^[+-]?nan$/i.test(c)) {
          throw new InputError(`"${c}" is not ${o.integers ? 'an integer' : 'a number'}`, { file: path, line: i + 1, column: j });
        }
        return v;
      }),
    );
  }
  if (rows.length === 0) throw new InputError('the file has no values', { file: path });
  const values = o.integers ? new Int32Array(rows.length * cols) : new Float64Array(rows.length * cols);
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      if (o.integers && (v < -2147483648 || v > 2147483647)) {
        throw new InputError(`${v} is outside the int32 range`, { file: path, line: i + 1, column: j });
      }
      values[i * cols + j] = v;
    }),
  );
  return { rows: rows.length, cols, values };
}

function parseLoose(c: string): number {
  const l = c.toLowerCase().replace(/^\+/, '');
  if (l === 'inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (l === 'nan' || l === '-nan') return NaN;
  return Number(c);
}

function fromNpy(a: NpyArray, file: string, integers: boolean): NumericMatrix {
  if (a.shape.length !== 1 && a.shape.length !== 2) {
    throw new InputError(`expected a 1-d or 2-d array, found shape (${a.shape.join(', ')})`, { file });
  }
  const c = npyToCOrder(a);
  const rows = a.shape[0] as number;
  const cols = a.shape.length === 2 ? (a.shape[1] as number) : 1;
  const n = c.data.length;
  if (integers) {
    if (c.data instanceof Int32Array) return { rows, cols, values: c.data };
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = Number(c.data[i] as number | bigint);
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new InputError(`entry ${i} (${String(c.data[i])}) is not an int32 integer`, { file, at: `row ${Math.floor(i / cols)}, column ${i % cols}` });
      }
      out[i] = v;
    }
    return { rows, cols, values: out };
  }
  const out = c.data instanceof Float64Array ? c.data : Float64Array.from(c.data as ArrayLike<number | bigint>, (x) => Number(x));
  return { rows, cols, values: out };
}
