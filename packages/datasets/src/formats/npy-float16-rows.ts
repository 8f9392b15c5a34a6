import fs from 'node:fs';
import { InputError, float16Table, toFloat16Bits } from '@descbench/core';
import { globalFeaturesShape, type GlobalFeaturesLayout } from './global-features-shape';
import { parseNpyHeader, type NpyHeader } from './npy';

/**
 * Streamed reading of a large 2-D `.npy` of global descriptors (R1M: 1,001,001 x 2048 float32 is
 * 8.2 GB, beyond what one Buffer holds) into float16 rows: the file is read in chunks of
 * `chunkBytes` into one reused buffer, each value checked (finite) and stored as float16 bits in
 * blocks of `blockRows` rows, so the peak memory is the float16 result plus one chunk.
 *
 * Layout as for the other feature inputs: `rows` = the array is `[N, D]`, `columns` = `[D, N]`
 * (cirtorch's `vecs`); C or Fortran order; float16, float32 or float64, either byte order.
 * With `normalize`, each descriptor is L2-normalised in float64 before it is rounded to float16
 * (the search ranks by cosine similarity; rounding unit vectors keeps the most precision); a
 * `[D, N]` file is then read twice (the norms first).
 *
 * Bad input (not a .npy, not 2-D, another dtype, a count or dimension other than expected, a
 * truncated or over-long file, a NaN or infinite value) is an InputError naming the file (and the
 * descriptor), raised before anything is returned.
 */
export interface Float16Rows {
  count: number;
  dim: number;
  /** float16 bits, row-major; block b holds rows [b * blockRows, ...). */
  blocks: Uint16Array[];
}

export interface ReadFloat16RowsOptions extends GlobalFeaturesLayout {
  normalize?: boolean;
  /** Bytes read per call (default 64 MiB). */
  chunkBytes?: number;
  /** Rows per output block (default: 2^27 values per block, 256 MB). */
  blockRows?: number;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

const DEFAULT_CHUNK = 64 << 20;

function readHeader(fd: number, file: string): NpyHeader {
  const head = new Uint8Array(12);
  const got = fs.readSync(fd, head, 0, 12, 0);
  const major = head[6];
  const len = got < 10 ? 0 : major === 1 ? head[8]! | (head[9]! << 8) : got < 12 ? 0 : new DataView(head.buffer).getUint32(8, true);
  const all = new Uint8Array(Math.min(12 + len, fs.fstatSync(fd).size));
  const n = fs.readSync(fd, all, 0, all.length, 0);
  return parseNpyHeader(all.subarray(0, n), file);
}

/** Fill `buf[0, len)` from `pos`; a short read (the file shrank) is an InputError. */
function readFully(fd: number, buf: Uint8Array, len: number, pos: number, file: string): void {
  let off = 0;
  while (off < len) {
    const n = fs.readSync(fd, buf, off, len - off, pos + off);
    if (n === 0) throw new InputError(`file ended at byte ${pos + off}, expected ${len - off} more bytes`, { file });
    off += n;
  }
}

export function readNpyFloat16Rows(file: string, o: ReadFloat16RowsOptions = {}): Float16Rows {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file });
  }
  try {
    return readOpen(fd, file, o);
  } finally {
    fs.closeSync(fd);
  }
}

function readOpen(fd: number, file: string, o: ReadFloat16RowsOptions): Float16Rows {
  const h = readHeader(fd, file);
  const { dtype, size, bigEndian } = h.info;
  const { count, dim, cols } = globalFeaturesShape(file, dtype, h.shape, o, h.descr);
  const total = count * dim * size;
  const have = fs.fstatSync(fd).size - h.dataOffset;
  if (have !== total) throw new InputError(`${have < total ? 'truncated' : 'over-long'} .npy: shape (${h.shape.join(', ')}) of ${h.descr} needs ${total} data bytes, the file has ${have}`, { file, offset: h.dataOffset });
  const blockRows = Math.max(1, o.blockRows ?? Math.floor(2 ** 27 / Math.max(1, dim)));
  const blocks: Uint16Array[] = [];
  for (let b = 0; b * blockRows < count; b++) blocks.push(new Uint16Array(Math.min(blockRows, count - b * blockRows) * dim));
  // descriptors contiguous in the file ([N, D] in C order, [D, N] in Fortran order), or components
  const contiguous = cols === h.fortranOrder;
  const chunkValues = Math.max(contiguous ? dim : 1, Math.floor((o.chunkBytes ?? DEFAULT_CHUNK) / size / (contiguous ? dim : 1)) * (contiguous ? dim : 1));
  const buf = new Uint8Array(Math.min(chunkValues, count * dim) * size);
  // typed views of the chunk (its buffer starts at 0: aligned); big-endian chunks are byte-swapped first
  const u16 = new Uint16Array(buf.buffer, 0, size === 2 ? buf.length / 2 : 0);
  const f32 = new Float32Array(buf.buffer, 0, size === 4 ? buf.length / 4 : 0);
  const f64 = new Float64Array(buf.buffer, 0, size === 8 ? buf.length / 8 : 0);
  const half = float16Table();
  const value = size === 2 ? (i: number) => half[u16[i]!]! : size === 4 ? (i: number) => f32[i]! : (i: number) => f64[i]!;
  // float16 rows kept as they are: the bits are copied, after the finiteness check on the exponent
  const copyBits = size === 2 && contiguous && !o.normalize;
  const at = (e: number): string => (contiguous ? `descriptor ${Math.floor(e / dim)}, component ${e % dim}` : `descriptor ${e % count}, component ${Math.floor(e / count)}`);
  const bad = (e: number, v: number): never => {
    throw new InputError(`non-finite value ${v} at ${at(e)}`, { file });
  };
  const tooLarge = (e: number, v: number): never => {
    throw new InputError(`value ${v} at ${at(e)} exceeds float16's range (65504); read it with normalize`, { file });
  };
  const totalValues = count * dim;
  const passes = o.normalize && !contiguous ? 2 : 1;
  const norms = passes === 2 ? new Float64Array(count) : undefined;
  const row = contiguous ? new Float64Array(dim) : undefined;
  for (let pass = 0; pass < passes; pass++) {
    const store = pass === passes - 1;
    for (let e0 = 0; e0 < totalValues; e0 += chunkValues) {
      const n = Math.min(chunkValues, totalValues - e0);
      readFully(fd, buf, n * size, h.dataOffset + e0 * size, file);
      if (bigEndian && size > 1) for (let b = 0; b < n * size; b += size) buf.subarray(b, b + size).reverse();
      if (copyBits) {
        for (let j = 0; j < n; j++) if ((u16[j]! & 0x7c00) === 0x7c00) bad(e0 + j, value(j));
        for (let j = 0; j < n; j += dim) {
          const i = (e0 + j) / dim;
          blocks[Math.floor(i / blockRows)]!.set(u16.subarray(j, j + dim), (i % blockRows) * dim);
        }
      } else if (contiguous) {
        // whole descriptors: e0 is a multiple of dim
        for (let j = 0; j < n; j += dim) {
          const i = (e0 + j) / dim;
          let ss = 0;
          for (let d = 0; d < dim; d++) {
            const v = value(j + d);
            if (!Number.isFinite(v)) bad(e0 + j + d, v);
            row![d] = v;
            ss += v * v;
          }
          const scale = o.normalize && ss > 0 ? 1 / Math.sqrt(ss) : 1;
          const blk = blocks[Math.floor(i / blockRows)]!;
          const at = (i % blockRows) * dim;
          for (let d = 0; d < dim; d++) {
            const b = toFloat16Bits(row![d]! * scale);
            if ((b & 0x7fff) === 0x7c00) tooLarge(e0 + j + d, row![d]!);
            blk[at + d] = b;
          }
        }
      } else {
        for (let j = 0; j < n; j++) {
          const e = e0 + j;
          const v = value(j);
          if (!Number.isFinite(v)) bad(e, v);
          const i = e % count;
          if (!store) norms![i] = norms![i]! + v * v;
          else {
            const d = (e - i) / count;
            const nn = norms === undefined ? 1 : norms[i]! > 0 ? Math.sqrt(norms[i]!) : 1;
            const b = toFloat16Bits(v / nn);
            if ((b & 0x7fff) === 0x7c00) tooLarge(e, v);
            blocks[Math.floor(i / blockRows)]![(i % blockRows) * dim + d] = b;
          }
        }
      }
      o.onProgress?.(pass * total + (e0 + n) * size, passes * total);
    }
  }
  return { count, dim, blocks };
}
