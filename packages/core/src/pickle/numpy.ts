import { decodeNumpyData, parseNumpyDescr, type NpyData, type NpyDtype } from '../numpy-dtype';
import { PickleGlobalRef, pickleGlobals, type PickleContext, type PickleGlobals, type PickleReducer } from './globals';

/**
 * Reducers for what `pickle.dumps` writes for numpy arrays and scalars (numpy 1.x `numpy.core`
 * and 2.x `numpy._core` names alike):
 *
 * - `_reconstruct(numpy.ndarray, (0,), b'b')` then BUILD `(1, shape, dtype, is_fortran, raw)`;
 * - `numpy.dtype(typestr, align, copy)` then BUILD `(3, endian, ...)`;
 * - `scalar(dtype, raw)` for numpy scalars;
 * - `_frombuffer(raw, dtype, shape, order)` (protocol 5).
 *
 * Numeric arrays become {@link PickledNdarray}s with typed-array data in file order; object arrays
 * keep their elements as a list. Nothing is imported or executed.
 */
export interface PickledNdarray {
  kind: 'ndarray';
  dtype: NpyDtype | 'object';
  shape: number[];
  fortranOrder: boolean;
  data: NpyData | unknown[];
}

/** A numpy dtype while an array is being rebuilt; never part of a result. */
class NumpyDtype {
  constructor(
    readonly typestr: string,
    public endian = '<',
  ) {}
  get descr(): string {
    return `${this.endian === '>' ? '>' : '<'}${this.typestr}`;
  }
  get isObject(): boolean {
    return this.typestr === 'O8' || this.typestr === 'O4' || this.typestr === 'O';
  }
}

/** Arrays made by `_reconstruct` that have not had their BUILD yet. */
const unbuilt = new WeakSet<object>();

function decode(dt: NumpyDtype, raw: unknown, count: number, ctx: PickleContext): NpyData {
  let data: Uint8Array;
  if (raw instanceof Uint8Array) data = raw;
  else if (typeof raw === 'string') data = Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff); // python 2 str
  else return ctx.fail('numpy data are not bytes');
  let info;
  try {
    info = parseNumpyDescr(dt.descr);
  } catch (e) {
    return ctx.fail((e as Error).message);
  }
  if (data.length !== count * info.size) ctx.fail(`numpy data have ${data.length} bytes, expected ${count} x ${info.size}`);
  return decodeNumpyData(data, info, count);
}

function shapeOf(v: unknown, ctx: PickleContext): number[] {
  if (!Array.isArray(v)) return ctx.fail('numpy shape is not a tuple');
  return v.map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) ctx.fail('numpy shape entry is not a non-negative integer');
    return d as number;
  });
}

function dtypeArg(v: unknown, what: string, ctx: PickleContext): NumpyDtype {
  if (!(v instanceof NumpyDtype)) ctx.fail(`${what} without a numpy dtype`);
  return v as NumpyDtype;
}

function dtypeName(dt: NumpyDtype, ctx: PickleContext): NpyDtype | 'object' {
  if (dt.isObject) return 'object';
  try {
    return parseNumpyDescr(dt.descr).dtype;
  } catch (e) {
    return ctx.fail((e as Error).message);
  }
}

const reconstruct: PickleReducer = {
  call(args, ctx) {
    const cls = args[0];
    if (!(cls instanceof PickleGlobalRef) || cls.fullName !== 'numpy.ndarray') ctx.fail('numpy _reconstruct is only allowed for numpy.ndarray');
    const a: PickledNdarray = { kind: 'ndarray', dtype: 'uint8', shape: [0], fortranOrder: false, data: new Uint8Array(0) };
    unbuilt.add(a);
    return a;
  },
  build(obj, state, ctx) {
    if (!unbuilt.has(obj)) ctx.fail('numpy array state set twice');
    if (!Array.isArray(state) || state.length < 5) ctx.fail('malformed numpy array state');
    const [, shapeItem, dtItem, fortran, raw] = state as unknown[];
    const dt = dtypeArg(dtItem, 'numpy array state', ctx);
    const shape = shapeOf(shapeItem, ctx);
    const count = shape.reduce((a, c) => a * c, 1);
    const name = dtypeName(dt, ctx);
    let data: NpyData | unknown[];
    if (name === 'object') {
      if (!Array.isArray(raw) || raw.length !== count) ctx.fail('numpy object array state is not a list of the right length');
      data = [...(raw as unknown[])];
    } else {
      data = decode(dt, raw, count, ctx);
    }
    Object.assign(obj, { dtype: name, shape, fortranOrder: fortran === true || fortran === 1, data });
    unbuilt.delete(obj);
  },
  finish(obj, ctx) {
    if (unbuilt.has(obj)) ctx.fail('malformed pickle: numpy array never received its state (BUILD)');
  },
};

const dtype: PickleReducer = {
  call(args, ctx) {
    const t = args[0];
    if (typeof t !== 'string') ctx.fail('numpy.dtype needs a type string');
    return new NumpyDtype(t as string);
  },
  build(obj, state, ctx) {
    if (!Array.isArray(state) || state.length < 2) ctx.fail('malformed numpy dtype state');
    const endian = (state as unknown[])[1];
    if (typeof endian === 'string') (obj as NumpyDtype).endian = endian;
  },
  internal: true,
};

const scalar: PickleReducer = {
  call(args, ctx) {
    const [dtItem, raw] = args;
    const dt = dtypeArg(dtItem, 'numpy scalar', ctx);
    const v = (decode(dt, raw, 1, ctx) as unknown as ArrayLike<number | bigint>)[0] as number | bigint;
    if (dt.typestr === 'b1') return v !== 0;
    if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    return v;
  },
};

const frombuffer: PickleReducer = {
  call(args, ctx) {
    const [buf, dtItem, shapeItem, order] = args;
    const dt = dtypeArg(dtItem, 'numpy _frombuffer', ctx);
    const shape = shapeOf(shapeItem, ctx);
    const count = shape.reduce((a, c) => a * c, 1);
    const a: PickledNdarray = { kind: 'ndarray', dtype: dtypeName(dt, ctx), shape, fortranOrder: order === 'F', data: decode(dt, buf, count, ctx) };
    return a;
  },
};

/** numpy's array, dtype and scalar reconstruction, under numpy 1.x and 2.x module names. */
export const numpyGlobals: PickleGlobals = pickleGlobals({
  'numpy.core.multiarray._reconstruct': reconstruct,
  'numpy._core.multiarray._reconstruct': reconstruct,
  'numpy.core.multiarray.scalar': scalar,
  'numpy._core.multiarray.scalar': scalar,
  'numpy.core.numeric._frombuffer': frombuffer,
  'numpy._core.numeric._frombuffer': frombuffer,
  'numpy.ndarray': {},
  'numpy.dtype': dtype,
});

export function isPickledNdarray(v: unknown): v is PickledNdarray {
  return typeof v === 'object' && v !== null && (v as PickledNdarray).kind === 'ndarray' && !unbuilt.has(v);
}
