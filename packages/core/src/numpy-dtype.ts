import { InputError } from './errors';

/**
 * NumPy element types as `.npy` files and pickled arrays store them: the dtype string (`<f4`,
 * `|u1`, `>i8`, ...) and the raw element bytes. Shared by the `.npy` reader (datasets) and the
 * pickled-array reducers (./pickle/numpy.ts) so both decode exactly alike.
 */
export const NPY_DTYPES = ['float16', 'float32', 'float64', 'int32', 'int64', 'uint8', 'bool'] as const;
export type NpyDtype = (typeof NPY_DTYPES)[number];

/** float16 values come as a Float32Array, int64 as a BigInt64Array, bool as a Uint8Array of 0/1. */
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NumpyDtypeInfo {
  dtype: NpyDtype;
  /** Bytes per element. */
  size: number;
  bigEndian: boolean;
}

const DESCR: Readonly<Record<string, { dtype: NpyDtype; size: number }>> = {
  f2: { dtype: 'float16', size: 2 },
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
  i4: { dtype: 'int32', size: 4 },
  i8: { dtype: 'int64', size: 8 },
  u1: { dtype: 'uint8', size: 1 },
  b1: { dtype: 'bool', size: 1 },
};

/** Parse a numpy dtype string (`<f4`, `|u1`, `>i8`, ...) into dtype, item size and byte order. */
export function parseNumpyDescr(descr: string, where: { file?: string; offset?: number } = {}): NumpyDtypeInfo {
  const m = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const info = m && Object.hasOwn(DESCR, m[2] as string) ? DESCR[m[2] as string] : undefined;
  if (!m || info === undefined) {
    throw new InputError(`unsupported numpy dtype "${descr}"; supported: ${NPY_DTYPES.join(', ')}`, where);
  }
  return { ...info, bigEndian: m[1] === '>' };
}

/** Decode raw little/big-endian element bytes into a typed array (a copy, aligned). */
export function decodeNumpyData(bytes: Uint8Array, info: NumpyDtypeInfo, count: number): NpyData {
  const n = count * info.size;
  const raw = new Uint8Array(n);
  raw.set(bytes.subarray(0, n));
  if (info.bigEndian && info.size > 1) {
    for (let i = 0; i < n; i += info.size) raw.subarray(i, i + info.size).reverse();
  }
  const buf = raw.buffer;
  switch (info.dtype) {
    case 'float16': {
      const h = new Uint16Array(buf);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(h[i] as number);
      return out;
    }
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'uint8':
    case 'bool':
      return raw;
  }
}

/** The value of a float16 bit pattern. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
