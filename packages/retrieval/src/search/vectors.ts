import { InputError } from '@descbench/core';
import { float16Table } from '@descbench/core';

/**
 * Database vectors as the search reads them: rows of `dim` numbers held in blocks, each block
 * row-major float32 or float16 bits (half the memory), rows in block order (block 0's rows first).
 * Blocks because a typed array holds at most 2^32 - 1 elements and one huge allocation is fragile
 * (R1M: 1,001,001 x 2048 float16 = 4.1 GB), and because a dataset's database (float32) and its
 * distractors (float16) are searched as one database without copying either.
 */
export interface VectorStore {
  count: number;
  dim: number;
  /** Each block holds `length / dim` whole rows. */
  blocks: (Float32Array | Uint16Array)[];
}

/** One store over a single row-major buffer (Uint16Array: float16 bits). */
export function vectorStore(data: Float32Array | Uint16Array, count: number, dim: number): VectorStore {
  if (data.length !== count * dim) throw new InputError(`${data.length} numbers do not make ${count} x ${dim}`);
  return { count, dim, blocks: [data] };
}

/** A store over several blocks of whole rows (float32 or float16 bits each), in order. */
export function blockStore(blocks: readonly (Float32Array | Uint16Array)[], dim: number): VectorStore {
  let count = 0;
  for (const [i, b] of blocks.entries()) {
    if (b.length % dim !== 0) throw new InputError(`block ${i}: ${b.length} numbers are not rows of ${dim}`);
    count += b.length / dim;
  }
  return { count, dim, blocks: [...blocks] };
}

/** The rows of `a` then those of `b` (same dimension), sharing their blocks. */
export function concatStores(a: VectorStore, b: VectorStore): VectorStore {
  if (a.dim !== b.dim) throw new InputError(`cannot join ${a.dim}-d and ${b.dim}-d vectors`);
  return { count: a.count + b.count, dim: a.dim, blocks: [...a.blocks, ...b.blocks] };
}

/** Copy rows [start, start + n) as float32 into `out` (row-major). */
export function readRows(s: VectorStore, start: number, n: number, out: Float32Array): Float32Array {
  const d = s.dim;
  if (start < 0 || n < 0 || start + n > s.count) throw new RangeError(`rows ${start}..${start + n - 1} outside 0..${s.count - 1}`);
  let first = 0; // row index of the current block's first row
  let o = 0;
  let row = start;
  for (const src of s.blocks) {
    const rows = src.length / d;
    if (row >= start + n) break;
    if (row < first + rows) {
      const from = (row - first) * d;
      const take = Math.min(start + n - row, first + rows - row);
      if (src instanceof Float32Array) out.set(src.subarray(from, from + take * d), o);
      else {
        const t = float16Table();
        for (let i = 0; i < take * d; i++) out[o + i] = t[src[from + i]!]!;
      }
      o += take * d;
      row += take;
    }
    first += rows;
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
