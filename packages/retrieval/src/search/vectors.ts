import { InputError } from '@descbench/core';
import { float16Table } from './float16';

/**
 * Database vectors as the search reads them: rows of `dim` numbers, float32 or float16 bits
 * (half the memory), possibly split in blocks (a typed array holds at most 2^32 - 1 elements, and
 * one huge allocation is fragile): block b holds rows [b * blockRows, ...).
 */
export interface VectorStore {
  count: number;
  dim: number;
  dtype: 'float32' | 'float16';
  blockRows: number;
  blocks: (Float32Array | Uint16Array)[];
}

/** One store over a single row-major buffer. */
export function vectorStore(data: Float32Array | Uint16Array, count: number, dim: number): VectorStore {
  if (data.length !== count * dim) throw new InputError(`${data.length} numbers do not make ${count} x ${dim}`);
  return { count, dim, dtype: data instanceof Uint16Array ? 'float16' : 'float32', blockRows: Math.max(1, count), blocks: [data] };
}

/** Copy rows [start, start + n) as float32 into `out` (row-major). */
export function readRows(s: VectorStore, start: number, n: number, out: Float32Array): Float32Array {
  const d = s.dim;
  const t = s.dtype === 'float16' ? float16Table() : undefined;
  let row = start;
  let o = 0;
  while (row < start + n) {
    const b = Math.floor(row / s.blockRows);
    const inBlock = row - b * s.blockRows;
    const take = Math.min(start + n - row, s.blockRows - inBlock);
    const src = s.blocks[b]!;
    const from = inBlock * d;
    if (t === undefined) out.set((src as Float32Array).subarray(from, from + take * d), o);
    else for (let i = 0; i < take * d; i++) out[o + i] = t[(src as Uint16Array)[from + i]!]!;
    o += take * d;
    row += take;
  }
  return out;
}

/** L2-normalise rows in place (x / ||x||; zero rows stay zero). */
export function l2NormalizeRows(data: Float32Array, dim: number): Float32Array {
  for (let r = 0; r < data.length / dim; r++) {
    let n = 0;
    for (let k = 0; k < dim; k++) n += data[r * dim + k]! * data[r * dim + k]!;
    n = Math.sqrt(n);
    if (n > 0) for (let k = 0; k < dim; k++) data[r * dim + k]! /= n;
  }
  return data;
}

/** First row holding a NaN or infinity, or -1. */
export function firstNonFiniteRow(data: ArrayLike<number>, dim: number): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return Math.floor(i / dim);
  return -1;
}
