/**
 * A small pickle WRITER for plain data (protocol 2, readable by every Python 3 and by our safe
 * reader): None, bool, int (incl. bigint), float, str, bytes, lists, tuples, dicts with string
 * or int keys, typed arrays (written as lists of numbers) and {@link NumpyArray} (a numpy array,
 * through numpy's reconstruction helpers: the only globals written). No other objects: what it
 * writes can be loaded with `pickle.load` and parsed by `parsePickle` alike. Used to write
 * revisitop-style ground truth and rSfM120k-style metadata for generated datasets.
 */
export type PlainValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PlainTuple
  | readonly PlainValue[]
  | Float32Array
  | Float64Array
  | Int32Array
  | NumpyArray
  | { readonly [key: string]: PlainValue }
  | ReadonlyMap<string | number, PlainValue>;

/** Wrap an array to have it pickled as a tuple instead of a list. */
export class PlainTuple {
  constructor(readonly items: readonly PlainValue[]) {}
}

/**
 * A numpy array (C order), pickled as `numpy.ndarray` is: `numpy.core.multiarray._reconstruct`
 * plus a BUILD state `(1, shape, dtype, False, raw bytes)`. The only globals this writer emits
 * are those numpy helpers (which the safe reader accepts without importing anything).
 */
export class NumpyArray {
  constructor(
    readonly data: Float32Array | Float64Array | Int32Array,
    readonly shape: readonly number[],
  ) {
    const n = shape.reduce((a, c) => a * c, 1);
    if (n !== data.length) throw new RangeError(`shape [${shape.join(', ')}] holds ${n} values, data has ${data.length}`);
  }
}

const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  BINBYTES: 0x42, // protocol 3
  SHORT_BINBYTES: 0x43, // protocol 3
  EMPTY_LIST: 0x5d,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEMS: 0x75,
  MARK: 0x28,
  TUPLE: 0x74,
  EMPTY_TUPLE: 0x29,
  GLOBAL: 0x63,
  REDUCE: 0x52,
  BUILD: 0x62,
  TUPLE1: 0x85,
  TUPLE3: 0x87,
} as const;

class Out {
  private buf = new Uint8Array(1 << 16);
  private n = 0;
  private ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.n++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.n, v, true);
    this.n += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setInt32(this.n, v, true);
    this.n += 4;
  }
  f64be(v: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.n, v, false);
    this.n += 8;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

function writeInt(o: Out, v: bigint): void {
  if (v >= 0n && v < 256n) {
    o.byte(OP.BININT1);
    o.byte(Number(v));
  } else if (v >= 0n && v < 65536n) {
    o.byte(OP.BININT2);
    o.byte(Number(v & 0xffn));
    o.byte(Number(v >> 8n));
  } else if (v >= -(2n ** 31n) && v < 2n ** 31n) {
    o.byte(OP.BININT);
    o.i32(Number(v));
  } else {
    // LONG1: little-endian two's complement, minimal length
    const bytes: number[] = [];
    let x = v;
    for (;;) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
      const last = bytes[bytes.length - 1] as number;
      if ((x === 0n && (last & 0x80) === 0) || (x === -1n && (last & 0x80) !== 0)) break;
    }
    o.byte(OP.LONG1);
    o.byte(bytes.length);
    for (const b of bytes) o.byte(b);
  }
}

const enc = new TextEncoder();

function write(o: Out, v: PlainValue, depth: number): void {
  if (depth > 1000) throw new RangeError('value nested too deeply to pickle');
  if (v === null) return o.byte(OP.NONE);
  if (v === true) return o.byte(OP.NEWTRUE);
  if (v === false) return o.byte(OP.NEWFALSE);
  if (typeof v === 'bigint') return writeInt(o, v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Number.isSafeInteger(v) && !Object.is(v, -0)) return writeInt(o, BigInt(v));
    o.byte(OP.BINFLOAT);
    return o.f64be(v);
  }
  if (typeof v === 'string') {
    const b = enc.encode(v);
    o.byte(OP.BINUNICODE);
    o.u32(b.length);
    return o.bytes(b);
  }
  if (v instanceof Uint8Array) {
    // Protocol 3 opcode; Python 3 reads it under a protocol-2 header too.
    if (v.length < 256) {
      o.byte(OP.SHORT_BINBYTES);
      o.byte(v.length);
    } else {
      o.byte(OP.BINBYTES);
      o.u32(v.length);
    }
    return o.bytes(v);
  }
  if (v instanceof NumpyArray) return writeNumpy(o, v);
  if (v instanceof PlainTuple) {
    if (v.items.length === 0) return o.byte(OP.EMPTY_TUPLE);
    o.byte(OP.MARK);
    for (const x of v.items) write(o, x, depth + 1);
    return o.byte(OP.TUPLE);
  }
  if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) {
    const items = v as ArrayLike<PlainValue>;
    o.byte(OP.EMPTY_LIST);
    for (let start = 0; start < items.length; start += 1000) {
      o.byte(OP.MARK);
      const end = Math.min(items.length, start + 1000);
      for (let i = start; i < end; i++) {
        const x = items[i] as PlainValue;
        // float typed arrays keep float semantics even for integral values
        if (typeof x === 'number' && (v instanceof Float32Array || v instanceof Float64Array)) {
          o.byte(OP.BINFLOAT);
          o.f64be(x);
        } else write(o, x, depth + 1);
      }
      o.byte(OP.APPENDS);
    }
    return;
  }
  const entries: [string | number, PlainValue][] = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, PlainValue>);
  o.byte(OP.EMPTY_DICT);
  for (let start = 0; start < entries.length; start += 1000) {
    o.byte(OP.MARK);
    for (const [k, x] of entries.slice(start, start + 1000)) {
      write(o, k, depth + 1);
      write(o, x, depth + 1);
    }
    o.byte(OP.SETITEMS);
  }
}

function writeGlobal(o: Out, module: string, name: string): void {
  o.byte(OP.GLOBAL);
  o.bytes(enc.encode(`${module}\n${name}\n`));
}

function writeNumpy(o: Out, a: NumpyArray): void {
  const typestr = a.data instanceof Float32Array ? 'f4' : a.data instanceof Float64Array ? 'f8' : 'i4';
  writeGlobal(o, 'numpy.core.multiarray', '_reconstruct');
  writeGlobal(o, 'numpy', 'ndarray');
  write(o, new PlainTuple([0]), 1);
  write(o, Uint8Array.of(0x62), 1);
  o.byte(OP.TUPLE3);
  o.byte(OP.REDUCE);
  // state: (1, shape, dtype, is_fortran, raw bytes)
  o.byte(OP.MARK);
  write(o, 1, 1);
  write(o, new PlainTuple([...a.shape]), 1);
  writeGlobal(o, 'numpy', 'dtype');
  write(o, typestr, 1);
  o.byte(OP.NEWFALSE);
  o.byte(OP.NEWTRUE);
  o.byte(OP.TUPLE3);
  o.byte(OP.REDUCE);
  write(o, new PlainTuple([3, '<', null, null, null, -1, -1, 0]), 1);
  o.byte(OP.BUILD);
  o.byte(OP.NEWFALSE);
  // typed arrays are little-endian on every platform Node runs on
  write(o, new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), 1);
  o.byte(OP.TUPLE);
  o.byte(OP.BUILD);
}

/** Serialise plain data as a protocol-2 pickle. */
export function encodePickle(v: PlainValue): Uint8Array {
  const o = new Out();
  o.byte(OP.PROTO);
  o.byte(2);
  write(o, v, 0);
  o.byte(OP.STOP);
  return o.result();
}
