import { readFileSync } from 'node:fs';
import { InputError, decodeNumpyData, parseNumpyDescr, writeFileAtomicSync, type NpyData, type NpyDtype, type NumpyDtypeInfo } from '@descbench/core';

/**
 * NumPy `.npy` files, format versions 1.0, 2.0 and 3.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, major/minor version, header length (uint16 LE in v1, uint32 LE in v2/v3),
 * a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (latin-1
 * in v1/v2, UTF-8 in v3) padded with spaces and a newline, then the raw data.
 *
 * Supported dtypes: float16 (decoded to float32 values), float32, float64, int32, int64
 * (BigInt64Array), uint8, bool; little or big endian (big endian is byte-swapped on read).
 * Data keep their file order: `fortranOrder` says whether that is column-major; use
 * {@link npyToCOrder} to get row-major data.
 */
export { NPY_DTYPES, decodeNumpyData, halfToFloat, parseNumpyDescr, type NpyData, type NpyDtype } from '@descbench/core';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** True when the data are in column-major (Fortran) order. */
  fortranOrder: boolean;
  /** Element values in file order; float16 values come as a Float32Array. */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** What a `.npy` header says: element type, shape, order, and where the data start. */
export interface NpyHeader {
  info: NumpyDtypeInfo;
  descr: string;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the first element. */
  dataOffset: number;
}

/**
 * Parse the header at the start of `.npy` bytes (`bytes` may hold just the file's first bytes:
 * 10 or 12 plus the header length). `file` names the source in errors.
 */
export function parseNpyHeader(bytes: Uint8Array, file?: string): NpyHeader {
  const where = { file };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError('not a .npy file (missing the \\x93NUMPY magic)', { ...where, offset: 0 });
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new InputError(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`, { ...where, offset: 6 });
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else {
    if (bytes.length < 12) throw new InputError('truncated .npy header', { ...where, offset: 8 });
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  }
  if (headerStart + headerLen > bytes.length) {
    throw new InputError(`truncated .npy header: needs ${headerLen} bytes, file has ${bytes.length - headerStart}`, { ...where, offset: headerStart });
  }
  const hb = bytes.subarray(headerStart, headerStart + headerLen);
  const header = major === 3 ? new TextDecoder('utf-8', { fatal: true }).decode(hb) : Buffer.from(hb).toString('latin1');
  const h = parseHeader(header, file, headerStart);
  return { info: parseNumpyDescr(h.descr, where), descr: h.descr, shape: h.shape, fortranOrder: h.fortranOrder, dataOffset: headerStart + headerLen };
}

/** Parse `.npy` bytes. `file` names the source in errors. */
export function parseNpy(bytes: Uint8Array, file?: string): NpyArray {
  const h = parseNpyHeader(bytes, file);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const need = count * h.info.size;
  const have = bytes.length - h.dataOffset;
  if (have !== need) {
    throw new InputError(
      `.npy data size mismatch: shape (${h.shape.join(', ')}) of ${h.descr} needs ${need} bytes, the file has ${have}`,
      { file, offset: h.dataOffset },
    );
  }
  return { dtype: h.info.dtype, shape: h.shape, fortranOrder: h.fortranOrder, data: decodeNumpyData(bytes.subarray(h.dataOffset), h.info, count) };
}

export function readNpy(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file: path });
  }
  return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parse the header dict literal: exactly the keys descr, fortran_order, shape. */
function parseHeader(text: string, file: string | undefined, offset: number): Header {
  const fail = (why: string): never => {
    throw new InputError(`malformed .npy header (${why}): ${JSON.stringify(text.trim().slice(0, 120))}`, { file, offset });
  };
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}')) fail('not a dict');
  const body = s.slice(1, -1);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(body)?.[1];
  const fo = /'fortran_order'\s*:\s*(True|False)/.exec(body)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(body)?.[1];
  if (descr === undefined) return fail("no 'descr' string (structured dtypes are not supported)");
  if (fo === undefined) return fail("no 'fortran_order'");
  if (shapeText === undefined) return fail("no 'shape' tuple");
  const parts = shapeText.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const shape = parts.map((p) => {
    if (!/^\d+L?$/.test(p)) fail(`shape entry "${p}" is not a non-negative integer`);
    return Number.parseInt(p, 10);
  });
  for (const d of shape) if (!Number.isSafeInteger(d)) fail('shape entry too large');
  return { descr, fortranOrder: fo === 'True', shape };
}

function dtypeOf(data: NpyData, dtype?: NpyDtype): NpyDtype {
  if (dtype !== undefined) return dtype;
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

const DESCR_OUT: Record<NpyDtype, string> = {
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  bool: '|b1',
};

/**
 * Encode an array as `.npy` (little endian, version 1.0 unless the header needs 2.0). The dtype
 * follows the typed array, or `dtype` when given (`float16` from a Float32Array, rounded to
 * nearest even; `bool` from a Uint8Array).
 */
export function encodeNpy(a: { data: NpyData; shape: readonly number[]; fortranOrder?: boolean; dtype?: NpyDtype }): Uint8Array {
  const dtype = dtypeOf(a.data, a.dtype);
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (a.shape.some((d) => !Number.isInteger(d) || d < 0) || count !== a.data.length) {
    throw new InputError(`shape (${a.shape.join(', ')}) does not match ${a.data.length} values`);
  }
  const okType =
    (dtype === 'float16' && a.data instanceof Float32Array) ||
    (dtype === 'float32' && a.data instanceof Float32Array) ||
    (dtype === 'float64' && a.data instanceof Float64Array) ||
    (dtype === 'int32' && a.data instanceof Int32Array) ||
    (dtype === 'int64' && a.data instanceof BigInt64Array) ||
    ((dtype === 'uint8' || dtype === 'bool') && a.data instanceof Uint8Array);
  if (!okType) throw new InputError(`cannot write ${a.data.constructor.name} as ${dtype}`);
  const shapeText = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  const dict = `{'descr': '${DESCR_OUT[dtype]}', 'fortran_order': ${a.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  let version = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  let body: Uint8Array;
  if (dtype === 'float16') {
    const h = new Uint16Array(count);
    for (let i = 0; i < count; i++) h[i] = floatToHalf(a.data[i] as number);
    body = new Uint8Array(h.buffer);
  } else {
    body = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  }
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  out.set(body, total);
  if (!littleEndianHost()) throw new Error('big-endian hosts are not supported');
  return out;
}

/** Write a `.npy` file atomically (temp file + rename). */
export function writeNpy(path: string, a: Parameters<typeof encodeNpy>[0]): void {
  writeFileAtomicSync(path, encodeNpy(a));
}

/** The same array with row-major (C order) data; a no-op for C-order arrays and 0/1-d arrays. */
export function npyToCOrder(a: NpyArray): NpyArray {
  if (!a.fortranOrder) return a;
  const shape = a.shape;
  const nd = shape.length;
  if (nd <= 1) return { ...a, fortranOrder: false };
  const count = a.data.length;
  const Ctor = a.data.constructor as new (n: number) => NpyData;
  const out = new Ctor(count);
  // C strides and F strides
  const cStride = new Array<number>(nd);
  const fStride = new Array<number>(nd);
  cStride[nd - 1] = 1;
  for (let i = nd - 2; i >= 0; i--) cStride[i] = (cStride[i + 1] as number) * (shape[i + 1] as number);
  fStride[0] = 1;
  for (let i = 1; i < nd; i++) fStride[i] = (fStride[i - 1] as number) * (shape[i - 1] as number);
  const idx = new Array<number>(nd).fill(0);
  const src = a.data as unknown as { [i: number]: number | bigint };
  const dst = out as unknown as { [i: number]: number | bigint };
  for (let c = 0; c < count; c++) {
    let f = 0;
    for (let k = 0; k < nd; k++) f += (idx[k] as number) * (fStride[k] as number);
    dst[c] = src[f] as number;
    for (let k = nd - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (shape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return { ...a, data: out, fortranOrder: false };
}

/**
 * Integer contents as an Int32Array (C order), refusing non-integers and values outside the
 * int32 range; `what` names the array in errors.
 */
export function npyToInt32(a: NpyArray, what: string, file?: string): Int32Array {
  const c = npyToCOrder(a);
  if (c.data instanceof Int32Array) return c.data;
  const out = new Int32Array(c.data.length);
  for (let i = 0; i < c.data.length; i++) {
    const v = Number(c.data[i] as number | bigint);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new InputError(`${what}: entry ${i} (${String(c.data[i])}) is not an int32 integer`, { file });
    }
    out[i] = v;
  }
  return out;
}

/** Contents as a Float64Array (C order); int64 values beyond 2^53 lose precision. */
export function npyToFloat64(a: NpyArray): Float64Array {
  const c = npyToCOrder(a);
  if (c.data instanceof Float64Array) return c.data;
  const out = new Float64Array(c.data.length);
  for (let i = 0; i < c.data.length; i++) out[i] = Number(c.data[i] as number | bigint);
  return out;
}

/** Nearest float16 bit pattern (round half to even), as numpy `astype(float16)`. */
export function floatToHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(Math.fround(x));
  if (a === Infinity) return sign | 0x7c00;
  if (a >= 65520) return sign | 0x7c00; // rounds to infinity
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24
    const q = roundHalfEven(a * 2 ** 24);
    return sign | q; // q may be 1024 = smallest normal, still the right bits
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
