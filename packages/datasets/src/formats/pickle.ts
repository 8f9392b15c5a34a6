import { readFileSync } from 'node:fs';
import { InputError } from '@descbench/core';
import { decodeNumpyData, parseNumpyDescr, type NpyData, type NpyDtype } from './npy';

/**
 * A safe reader of Python pickles, protocols 0 to 5: a stack machine that builds plain data and
 * never executes anything. Python values map to:
 *
 * dict -> `Map`, list -> `Array`, tuple -> frozen `Array`, set/frozenset -> `Set`,
 * str -> `string`, bytes/bytearray -> `Uint8Array`, int -> `number` (or `bigint` beyond 2^53),
 * float -> `number`, bool -> `boolean`, None -> `null`, numpy ndarray -> {@link PickledNdarray},
 * numpy scalar -> `number`/`bigint`/`boolean`.
 *
 * Globals (GLOBAL, STACK_GLOBAL, INST) are refused, with an `InputError` naming the global and the
 * byte offset of the opcode, unless they are one of the numpy reconstruction helpers in
 * {@link ALLOWED_GLOBALS} (what `pickle.dumps` of an ndarray or a numpy scalar writes), or
 * `_codecs.encode` (how protocols 0-2 write bytes); those are interpreted here, not imported.
 * Persistent ids, extension codes, out-of-band buffers and object construction (NEWOBJ, OBJ,
 * BUILD on anything but a numpy array or dtype) are refused too. A file that ends before STOP
 * is reported as truncated, with the offset.
 * Python 2 `str` values (STRING, BINSTRING) are decoded as latin-1 text (like
 * `pickle.load(f, encoding='latin1')`).
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | ReadonlyArray<PickleValue>
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | PickledNdarray;

/** A numpy array from a pickle: numeric dtypes as typed arrays, object arrays as lists. */
export interface PickledNdarray {
  kind: 'ndarray';
  dtype: NpyDtype | 'object';
  shape: number[];
  fortranOrder: boolean;
  data: NpyData | PickleValue[];
}

/** The globals a pickle may name: numpy's array/dtype/scalar reconstruction and `_codecs.encode`. */
export const ALLOWED_GLOBALS: readonly string[] = [
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
  'numpy.core.numeric._frombuffer',
  'numpy._core.numeric._frombuffer',
  'numpy.ndarray',
  'numpy.dtype',
  '_codecs.encode',
];

class Global {
  constructor(readonly name: string) {}
}
class NdBuilder {
  array: PickledNdarray | undefined;
}
class Dtype {
  constructor(
    readonly typestr: string,
    public endian = '<',
  ) {}
}
const MARK = Symbol('mark');

type Item = PickleValue | Global | NdBuilder | Dtype | typeof MARK;

export interface ParsePickleOptions {
  /** Names the source in errors. */
  file?: string;
}

/** Parse pickle bytes into plain data; see the module description. */
export function parsePickle(bytes: Uint8Array, o: ParsePickleOptions = {}): PickleValue {
  return new Machine(bytes, o.file).run();
}

export function readPickle(path: string): PickleValue {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file: path });
  }
  return parsePickle(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { file: path });
}

class Machine {
  private pos = 0;
  private op = 0;
  private stack: Item[] = [];
  private readonly metastack: Item[][] = [];
  private readonly memo = new Map<number, Item>();
  private readonly dv: DataView;

  constructor(
    private readonly b: Uint8Array,
    private readonly file: string | undefined,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private fail(detail: string, offset = this.op): never {
    throw new InputError(detail, { file: this.file, offset });
  }

  private need(n: number): number {
    if (n < 0 || this.pos + n > this.b.length) {
      this.fail(`truncated pickle: needs ${n} more byte(s) at offset ${this.pos}, the data ends at ${this.b.length}`, this.pos);
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }
  private u8(): number {
    return this.b[this.need(1)] as number;
  }
  private u16(): number {
    return this.dv.getUint16(this.need(2), true);
  }
  private u32(): number {
    return this.dv.getUint32(this.need(4), true);
  }
  private i32(): number {
    return this.dv.getInt32(this.need(4), true);
  }
  private u64(): number {
    const p = this.need(8);
    const v = this.dv.getBigUint64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${v} is too large`);
    return Number(v);
  }
  private bytes(n: number): Uint8Array {
    if (n > this.b.length - this.pos) {
      this.fail(`truncated pickle: needs ${n} byte(s) at offset ${this.pos}, the data ends at ${this.b.length}`, this.pos);
    }
    const p = this.need(n);
    return this.b.slice(p, p + n);
  }
  private line(): string {
    const start = this.pos;
    const end = this.b.indexOf(0x0a, start);
    if (end < 0) this.fail(`truncated pickle: unterminated text argument at offset ${start}`, start);
    this.pos = end + 1;
    return Buffer.from(this.b.subarray(start, end)).toString('latin1');
  }
  private utf8(n: number): string {
    const bytes = this.bytes(n);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return this.fail('invalid UTF-8 in a string');
    }
  }

  private push(v: Item): void {
    this.stack.push(v);
  }
  private pop(): Item {
    if (this.stack.length === 0) this.fail(`malformed pickle: stack underflow (opcode 0x${(this.b[this.op] as number).toString(16)})`);
    const v = this.stack.pop() as Item;
    if (v === MARK) this.fail('malformed pickle: unexpected MARK');
    return v;
  }
  private top(): Item {
    if (this.stack.length === 0) this.fail('malformed pickle: stack underflow');
    return this.stack[this.stack.length - 1] as Item;
  }
  private popMark(): Item[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (prev === undefined) this.fail('malformed pickle: no MARK to pop to');
    this.stack = prev;
    return items;
  }
  private value(v: Item, what: string): PickleValue {
    if (v instanceof Global || v instanceof NdBuilder || v instanceof Dtype || v === MARK) {
      this.fail(`malformed pickle: ${what} is a ${v instanceof Global ? `global (${v.name})` : 'numpy object under construction'}`);
    }
    return v;
  }
  private finish(v: Item): PickleValue {
    if (v instanceof NdBuilder) {
      if (v.array === undefined) this.fail('malformed pickle: numpy array never received its state (BUILD)');
      return v.array;
    }
    if (v instanceof Dtype) this.fail('a bare numpy dtype is not supported as a value');
    return this.value(v, 'a value');
  }

  private global(module: string, name: string): Global {
    const full = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.includes(full)) {
      this.fail(`pickle refers to the global ${full}, which is not allowed (only numpy array reconstruction is); refusing to load`);
    }
    return new Global(full);
  }

  private memoGet(i: number): void {
    if (!this.memo.has(i)) this.fail(`malformed pickle: memo entry ${i} was never stored`);
    this.push(this.memo.get(i) as Item);
  }

  private int(v: bigint): number | bigint {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  private long(n: number): number | bigint {
    const data = this.bytes(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i] as number);
    if (((data[n - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * n);
    return this.int(v);
  }

  run(): PickleValue {
    const b = this.b;
    for (;;) {
      this.op = this.pos;
      if (this.pos >= b.length) this.fail(`truncated pickle: no STOP opcode before the end (offset ${b.length})`, b.length);
      const code = this.u8();
      switch (code) {
        case 0x80: // PROTO
          if (this.u8() > 5) this.fail('unsupported pickle protocol (above 5)');
          break;
        case 0x95: // FRAME
          this.u64();
          break;
        case 0x2e: {
          // STOP
          const v = this.finish(this.pop());
          this.assertPlain(v);
          return v;
        }
        case 0x28: // MARK
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case 0x30: // POP
          if (this.stack.length === 0) this.popMark();
          else this.stack.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        // ---- constants
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x49: {
          // INT (text)
          const s = this.line().trim();
          if (s === '00') this.push(false);
          else if (s === '01') this.push(true);
          else this.push(this.parseIntText(s));
          break;
        }
        case 0x4c: // LONG (text)
          this.push(this.parseIntText(this.line().trim().replace(/L$/, '')));
          break;
        case 0x4a: // BININT
          this.push(this.i32());
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x8a: // LONG1
          this.push(this.long(this.u8()));
          break;
        case 0x8b: {
          // LONG4
          const n = this.i32();
          if (n < 0) this.fail('negative LONG4 length');
          this.push(this.long(n));
          break;
        }
        case 0x46: {
          // FLOAT (text)
          const s = this.line().trim();
          const v = Number(s);
          if (s === '' || (Number.isNaN(v) && !/^-?nan$/i.test(s))) this.fail(`malformed float "${s}"`);
          this.push(v);
          break;
        }
        case 0x47: // BINFLOAT
          this.push(this.dv.getFloat64(this.need(8), false));
          break;
        // ---- strings and bytes
        case 0x53: // STRING (python 2 str, repr-quoted)
          this.push(unquote(this.line(), (m) => this.fail(m)));
          break;
        case 0x54: {
          // BINSTRING
          const n = this.i32();
          if (n < 0) this.fail('negative BINSTRING length');
          this.push(Buffer.from(this.bytes(n)).toString('latin1'));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          this.push(Buffer.from(this.bytes(this.u8())).toString('latin1'));
          break;
        case 0x56: // UNICODE (raw-unicode-escape)
          this.push(rawUnicodeUnescape(this.line()));
          break;
        case 0x58: // BINUNICODE
          this.push(this.utf8(this.u32()));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.utf8(this.u8()));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.utf8(this.u64()));
          break;
        case 0x42: // BINBYTES
          this.push(this.bytes(this.u32()));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(this.bytes(this.u8()));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.push(this.bytes(this.u64()));
          break;
        case 0x98: // READONLY_BUFFER
          this.top();
          break;
        case 0x97: // NEXT_BUFFER
          this.fail('pickle uses an out-of-band buffer (NEXT_BUFFER); not supported');
          break;
        // ---- containers
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x6c: // LIST
          this.push(this.popMark().map((v) => this.finish(v)));
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(Object.freeze([]));
          break;
        case 0x74: // TUPLE
          this.push(Object.freeze(this.popMark().map((v) => this.finishLoose(v))) as Item);
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const n = code - 0x84;
          const items: Item[] = [];
          for (let i = 0; i < n; i++) items.unshift(this.popAny());
          this.push(Object.freeze(items.map((v) => this.finishLoose(v))) as Item);
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.push(new Map());
          break;
        case 0x64: {
          // DICT
          const items = this.popMark();
          const m = new Map<PickleValue, PickleValue>();
          if (items.length % 2 !== 0) this.fail('malformed pickle: odd number of items for DICT');
          for (let i = 0; i < items.length; i += 2) m.set(this.finish(items[i] as Item), this.finish(items[i + 1] as Item));
          this.push(m);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.finish(this.pop());
          const k = this.finish(this.pop());
          this.asMap(this.top()).set(k, v);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          const m = this.asMap(this.top());
          if (items.length % 2 !== 0) this.fail('malformed pickle: odd number of items for SETITEMS');
          for (let i = 0; i < items.length; i += 2) m.set(this.finish(items[i] as Item), this.finish(items[i + 1] as Item));
          break;
        }
        case 0x61: {
          // APPEND
          const v = this.finish(this.pop());
          this.asList(this.top()).push(v);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          const l = this.asList(this.top());
          for (const v of items) l.push(this.finish(v));
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push(new Set());
          break;
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          const s = this.top();
          if (!(s instanceof Set)) this.fail('malformed pickle: ADDITEMS on a non-set');
          for (const v of items) (s as Set<PickleValue>).add(this.finish(v));
          break;
        }
        case 0x91: // FROZENSET
          this.push(new Set(this.popMark().map((v) => this.finish(v))));
          break;
        // ---- memo
        case 0x70: // PUT
          this.memo.set(this.parseIndex(this.line()), this.top());
          break;
        case 0x71: // BINPUT
          this.memo.set(this.u8(), this.top());
          break;
        case 0x72: // LONG_BINPUT
          this.memo.set(this.u32(), this.top());
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top());
          break;
        case 0x67: // GET
          this.memoGet(this.parseIndex(this.line()));
          break;
        case 0x68: // BINGET
          this.memoGet(this.u8());
          break;
        case 0x6a: // LONG_BINGET
          this.memoGet(this.u32());
          break;
        // ---- globals and calls
        case 0x63: {
          // GLOBAL
          const module = this.line();
          const name = this.line();
          this.push(this.global(module, name));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof name !== 'string' || typeof module !== 'string') this.fail('malformed pickle: STACK_GLOBAL needs two strings');
          this.push(this.global(module as string, name as string));
          break;
        }
        case 0x69: {
          // INST
          const module = this.line();
          const name = this.line();
          this.fail(`pickle creates an instance of ${module}.${name} (INST), which is not allowed; refusing to load`);
          break;
        }
        case 0x6f: {
          // OBJ
          const items = this.popMark();
          const cls = items[0];
          this.fail(`pickle creates an object (OBJ)${cls instanceof Global ? ` of ${cls.name}` : ''}, which is not allowed; refusing to load`);
          break;
        }
        case 0x81: // NEWOBJ
        case 0x92: {
          // NEWOBJ_EX
          if (code === 0x92) this.popAny();
          this.popAny();
          const cls = this.popAny();
          this.fail(`pickle creates an object (NEWOBJ)${cls instanceof Global ? ` of ${cls.name}` : ''}, which is not allowed; refusing to load`);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.popAny();
          const fn = this.popAny();
          if (!(fn instanceof Global)) this.fail('malformed pickle: REDUCE on something that is not a global');
          if (!Array.isArray(args)) this.fail('malformed pickle: REDUCE arguments are not a tuple');
          this.push(this.call(fn as Global, args as Item[]));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.popAny();
          const obj = this.top();
          if (obj instanceof NdBuilder) this.buildArray(obj, state);
          else if (obj instanceof Dtype) this.buildDtype(obj, state);
          else this.fail('pickle sets the state of an object (BUILD), which is only allowed for numpy arrays; refusing to load');
          break;
        }
        case 0x50: // PERSID
        case 0x51: // BINPERSID
          this.fail('pickle uses persistent ids, which are not supported');
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          this.fail('pickle uses the extension registry (EXT*), which names globals; refusing to load');
          break;
        default:
          this.fail(`unknown pickle opcode 0x${code.toString(16).padStart(2, '0')}`);
      }
    }
  }

  /** Tuples may have held numpy helper objects; make sure none reached the result (no recursion: cycles and depth are fine). */
  private assertPlain(root: PickleValue): void {
    const seen = new Set<unknown>();
    const todo: unknown[] = [root];
    while (todo.length > 0) {
      const v = todo.pop();
      if (v === null || typeof v !== 'object' || v instanceof Uint8Array || seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Global || v instanceof Dtype || v instanceof NdBuilder) {
        this.fail(`the pickle's result contains ${v instanceof Global ? `the global ${v.name}` : 'a numpy dtype or unfinished array'}, which is not plain data`);
      }
      if (Array.isArray(v) || v instanceof Set) for (const x of v) todo.push(x);
      else if (v instanceof Map) for (const [k, x] of v) todo.push(k, x);
      else if ((v as PickledNdarray).kind === 'ndarray' && Array.isArray((v as PickledNdarray).data)) todo.push((v as PickledNdarray).data);
    }
  }

  private popAny(): Item {
    if (this.stack.length === 0) this.fail('malformed pickle: stack underflow');
    const v = this.stack.pop() as Item;
    if (v === MARK) this.fail('malformed pickle: unexpected MARK');
    return v;
  }

  /** Tuple members may be numpy helper objects (dtype, array prototype) during reconstruction. */
  private finishLoose(v: Item): Item {
    if (v instanceof NdBuilder && v.array !== undefined) return v.array;
    return v;
  }

  private asMap(v: Item): Map<PickleValue, PickleValue> {
    if (!(v instanceof Map)) this.fail('malformed pickle: SETITEM(S) on a non-dict');
    return v as Map<PickleValue, PickleValue>;
  }
  private asList(v: Item): PickleValue[] {
    if (!Array.isArray(v) || Object.isFrozen(v)) this.fail('malformed pickle: APPEND(S) on a non-list');
    return v as PickleValue[];
  }

  private parseIntText(s: string): number | bigint {
    if (!/^[+-]?\d+$/.test(s)) this.fail(`malformed integer "${s}"`);
    return this.int(BigInt(s));
  }
  private parseIndex(s: string): number {
    const t = s.trim();
    if (!/^\d+$/.test(t)) this.fail(`malformed memo index "${t}"`);
    return Number(t);
  }

  private call(fn: Global, args: Item[]): Item {
    switch (fn.name) {
      case '_codecs.encode': {
        const [s, enc] = args;
        if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) {
          this.fail('_codecs.encode is only allowed with (str, "latin1") arguments');
        }
        const out = new Uint8Array((s as string).length);
        for (let i = 0; i < out.length; i++) {
          const c = (s as string).charCodeAt(i);
          if (c > 255) this.fail('_codecs.encode: character outside latin-1');
          out[i] = c;
        }
        return out;
      }
      case 'numpy.core.multiarray._reconstruct':
      case 'numpy._core.multiarray._reconstruct': {
        const cls = args[0];
        if (!(cls instanceof Global) || cls.name !== 'numpy.ndarray') this.fail('numpy _reconstruct is only allowed for numpy.ndarray');
        return new NdBuilder();
      }
      case 'numpy.dtype': {
        const t = args[0];
        if (typeof t !== 'string') this.fail('numpy.dtype needs a type string');
        return new Dtype(t as string);
      }
      case 'numpy.core.multiarray.scalar':
      case 'numpy._core.multiarray.scalar': {
        const [dt, raw] = args;
        if (!(dt instanceof Dtype)) this.fail('numpy scalar without a dtype');
        const data = this.rawBytes(raw as Item);
        const arr = this.decode(dt as Dtype, data, 1);
        const v = (arr as { [i: number]: number | bigint })[0] as number | bigint;
        if ((dt as Dtype).typestr === 'b1') return v !== 0;
        return typeof v === 'bigint' ? this.int(v) : v;
      }
      case 'numpy.core.numeric._frombuffer':
      case 'numpy._core.numeric._frombuffer': {
        const [buf, dt, shape, order] = args;
        if (!(dt instanceof Dtype)) this.fail('numpy _frombuffer without a dtype');
        const sh = this.shape(shape as Item);
        const count = sh.reduce((a, c) => a * c, 1);
        const data = this.rawBytes(buf as Item);
        const b = new NdBuilder();
        b.array = { kind: 'ndarray', dtype: this.dtypeName(dt as Dtype), shape: sh, fortranOrder: order === 'F', data: this.decode(dt as Dtype, data, count) };
        return b;
      }
      default:
        return this.fail(`calling ${fn.name} is not allowed`);
    }
  }

  private rawBytes(v: Item): Uint8Array {
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'string') return Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff);
    return this.fail('numpy data are not bytes');
  }

  private shape(v: Item): number[] {
    if (!Array.isArray(v)) this.fail('numpy shape is not a tuple');
    return (v as Item[]).map((d) => {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) this.fail('numpy shape entry is not a non-negative integer');
      return d as number;
    });
  }

  private dtypeName(dt: Dtype): NpyDtype | 'object' {
    if (dt.typestr === 'O8' || dt.typestr === 'O4' || dt.typestr === 'O') return 'object';
    return parseNumpyDescr(this.descr(dt), { file: this.file }).dtype;
  }
  private descr(dt: Dtype): string {
    const e = dt.endian === '>' ? '>' : '<';
    return `${e}${dt.typestr}`;
  }
  private decode(dt: Dtype, data: Uint8Array, count: number): NpyData {
    let info;
    try {
      info = parseNumpyDescr(this.descr(dt));
    } catch (e) {
      return this.fail((e as Error).message);
    }
    if (data.length !== count * info.size) {
      this.fail(`numpy data have ${data.length} bytes, expected ${count} x ${info.size}`);
    }
    return decodeNumpyData(data, info, count);
  }

  private buildDtype(dt: Dtype, state: Item): void {
    if (!Array.isArray(state) || state.length < 2) this.fail('malformed numpy dtype state');
    const endian = (state as Item[])[1];
    if (typeof endian === 'string') dt.endian = endian;
  }

  private buildArray(b: NdBuilder, state: Item): void {
    if (!Array.isArray(state) || state.length < 5) this.fail('malformed numpy array state');
    const [, shapeItem, dt, fortran, raw] = state as Item[];
    if (!(dt instanceof Dtype)) this.fail('numpy array state without a dtype');
    const shape = this.shape(shapeItem as Item);
    const count = shape.reduce((a, c) => a * c, 1);
    const name = this.dtypeName(dt as Dtype);
    let data: NpyData | PickleValue[];
    if (name === 'object') {
      if (!Array.isArray(raw) || raw.length !== count) this.fail('numpy object array state is not a list of the right length');
      data = (raw as Item[]).map((v) => this.finish(v));
    } else {
      data = this.decode(dt as Dtype, this.rawBytes(raw as Item), count);
    }
    b.array = { kind: 'ndarray', dtype: name, shape, fortranOrder: fortran === true || fortran === 1, data };
  }
}

/** Undo Python 2 `repr()` quoting of a STRING argument. */
function unquote(line: string, fail: (m: string) => never): string {
  const s = line.replace(/\r?$/, '');
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) return fail('malformed STRING argument (not quoted)');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case "'": out += "'"; break;
      case '"': out += '"'; break;
      case 'x': {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) return fail('malformed \\x escape in STRING');
        out += String.fromCharCode(parseInt(h, 16));
        i += 2;
        break;
      }
      default: {
        const m = /^[0-7]{1,3}/.exec(body.slice(i));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
          i += m[0].length - 1;
        } else {
          out += `\\${n ?? ''}`;
        }
      }
    }
  }
  return out;
}

/** Decode Python's raw-unicode-escape (UNICODE opcode): `\uXXXX`, `\UXXXXXXXX`, else latin-1. */
function rawUnicodeUnescape(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string | undefined, b: string | undefined) =>
    String.fromCodePoint(parseInt((a ?? b) as string, 16)),
  );
}

/** Look up a key of a pickled dict, with a clear error when the value is not a dict or lacks it. */
export function pickleDictGet(d: PickleValue, key: string, where: { file?: string; at?: string } = {}): PickleValue {
  if (!(d instanceof Map)) throw new InputError(`expected a dict, found ${describe(d)}`, where);
  if (!d.has(key)) throw new InputError(`missing key "${key}"`, where);
  return d.get(key) as PickleValue;
}

/** A short description of a pickled value's type, for error messages. */
export function describe(v: PickleValue): string {
  if (v === null) return 'None';
  if (v instanceof Map) return 'a dict';
  if (v instanceof Set) return 'a set';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'a tuple' : 'a list';
  if (typeof v === 'object') return `a numpy array (${(v as PickledNdarray).dtype})`;
  return typeof v === 'string' ? 'a str' : typeof v === 'boolean' ? 'a bool' : 'a number';
}
