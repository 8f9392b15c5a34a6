import { InputError } from '../errors';
import { PickleGlobalRef, refuseGlobal, type PickleContext, type PickleGlobals, type PickleReducer } from './globals';

/**
 * The one safe reader of Python pickles (protocols 0 to 5) for the whole project: a stack
 * machine that builds plain data and never executes anything. Python values map to:
 *
 * dict -> `Map`, list -> `Array`, tuple -> frozen `Array`, set/frozenset -> `Set`,
 * str -> `string`, bytes/bytearray -> `Uint8Array`, int -> `number` (or `bigint` beyond 2^53),
 * float -> `number`, bool -> `boolean`, None -> `null`; Python 2 `str` (STRING, BINSTRING) is
 * decoded as latin-1 text, like `pickle.load(f, encoding='latin1')`.
 *
 * Globals are refused unless the caller's {@link PickleGlobals} table names them; the table says
 * how each is rebuilt (REDUCE, NEWOBJ, BUILD). INST and OBJ (old-style instances), extension
 * codes and out-of-band buffers are always refused; persistent ids only with a `persistentLoad`.
 * Errors are `InputError`s naming the file and the byte offset of the opcode.
 */

export interface UnpickleOptions {
  /** The globals this caller accepts and how each is rebuilt; absent: none. */
  globals?: PickleGlobals;
  /** Turns a persistent id (already unpickled) into a value; absent: persistent ids are refused. */
  persistentLoad?: (pid: unknown, ctx: PickleContext) => unknown;
  /** Names the source in errors. */
  file?: string;
  /** Where to start in `bytes` (files that hold several pickles in a row). */
  start?: number;
  /** Offset of `bytes` within the file, for error messages. */
  baseOffset?: number;
}

export interface UnpickleResult {
  value: unknown;
  /** Bytes consumed: the position just after STOP. */
  end: number;
}

const NO_GLOBALS: PickleGlobals = new Map();

/** Parse one pickle from `bytes` (from `o.start`); see the module description. */
export function unpickle(bytes: Uint8Array, o: UnpickleOptions = {}): UnpickleResult {
  return new Machine(bytes, o).run();
}

class Machine {
  private pos: number;
  private op = 0;
  private stack: unknown[] = [];
  private readonly metastack: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly dv: DataView;
  private readonly globals: PickleGlobals;
  /** Which reducer made each object a global returned (for BUILD, STOP checks). */
  private readonly madeBy = new Map<object, PickleReducer>();
  private readonly ctx: PickleContext;

  constructor(
    private readonly b: Uint8Array,
    private readonly o: UnpickleOptions,
  ) {
    this.pos = o.start ?? 0;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.globals = o.globals ?? NO_GLOBALS;
    this.ctx = { file: o.file, fail: (detail: string) => this.fail(detail) };
  }

  private fail(detail: string, offset = this.op): never {
    throw new InputError(detail, { file: this.o.file, offset: (this.o.baseOffset ?? 0) + offset });
  }

  private need(n: number): number {
    if (n < 0 || n > this.b.length - this.pos) {
      this.fail(`truncated pickle: needs ${n} more byte(s) at offset ${this.pos}, the data end at ${this.b.length}`, this.pos);
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
    const v = this.dv.getBigUint64(this.need(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${v} is too large`);
    return Number(v);
  }
  private bytes(n: number): Uint8Array {
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

  private push(v: unknown): void {
    this.stack.push(v);
  }
  private pop(): unknown {
    if (this.stack.length === 0) this.fail(`malformed pickle: stack underflow (opcode 0x${(this.b[this.op] as number).toString(16)})`);
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) this.fail('malformed pickle: stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): unknown[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (prev === undefined) this.fail('malformed pickle: no MARK to pop to');
    this.stack = prev;
    return items;
  }

  private global(module: string, name: string, how = ''): PickleGlobalRef {
    const full = `${module}.${name}`;
    if (!this.globals.has(full)) refuseGlobal(full, this.globals, this.o.file, (this.o.baseOffset ?? 0) + this.op, how);
    return new PickleGlobalRef(module, name);
  }
  private reducer(g: unknown, what: string): [PickleGlobalRef, PickleReducer] {
    if (!(g instanceof PickleGlobalRef)) return this.fail(`malformed pickle: ${what} on something that is not a global`);
    return [g, this.globals.get(g.fullName) as PickleReducer];
  }
  private made(v: unknown, r: PickleReducer): unknown {
    if (typeof v === 'object' && v !== null) this.madeBy.set(v, r);
    return v;
  }

  private memoGet(i: number): void {
    if (!this.memo.has(i)) this.fail(`malformed pickle: memo entry ${i} was never stored`);
    this.push(this.memo.get(i));
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
  private parseIntText(s: string): number | bigint {
    if (!/^[+-]?\d+$/.test(s)) this.fail(`malformed integer "${s}"`);
    return this.int(BigInt(s));
  }
  private parseIndex(s: string): number {
    const t = s.trim();
    if (!/^\d+$/.test(t)) this.fail(`malformed memo index "${t}"`);
    return Number(t);
  }
  private asMap(v: unknown): Map<unknown, unknown> {
    if (!(v instanceof Map)) this.fail('malformed pickle: SETITEM(S) on a non-dict');
    return v as Map<unknown, unknown>;
  }
  private asList(v: unknown): unknown[] {
    if (!Array.isArray(v) || Object.isFrozen(v)) this.fail('malformed pickle: APPEND(S) on a non-list');
    return v as unknown[];
  }
  private setItems(m: Map<unknown, unknown>, items: unknown[], what: string): void {
    if (items.length % 2 !== 0) this.fail(`malformed pickle: odd number of items for ${what}`);
    for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]);
  }
  private tuple(items: unknown[]): readonly unknown[] {
    return Object.freeze(items);
  }

  run(): UnpickleResult {
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
          const v = this.pop();
          this.finishAll(v);
          return { value: v, end: this.pos };
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
          // INT (text); protocol 0 writes bools as 00 / 01
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
        case 0x47: // BINFLOAT (big-endian double)
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
          this.push(this.popMark());
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(this.tuple([]));
          break;
        case 0x74: // TUPLE
          this.push(this.tuple(this.popMark()));
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const items: unknown[] = [];
          for (let i = 0; i < code - 0x84; i++) items.unshift(this.pop());
          this.push(this.tuple(items));
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.push(new Map());
          break;
        case 0x64: {
          // DICT
          const m = new Map<unknown, unknown>();
          this.setItems(m, this.popMark(), 'DICT');
          this.push(m);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.pop();
          const k = this.pop();
          this.asMap(this.top()).set(k, v);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          this.setItems(this.asMap(this.top()), items, 'SETITEMS');
          break;
        }
        case 0x61: {
          // APPEND
          const v = this.pop();
          this.asList(this.top()).push(v);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          this.asList(this.top()).push(...items);
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
          for (const v of items) (s as Set<unknown>).add(v);
          break;
        }
        case 0x91: // FROZENSET
          this.push(new Set(this.popMark()));
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
        // ---- globals and object construction
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
          // INST: an old-style instance; never allowed
          const module = this.line();
          const name = this.line();
          this.fail(`pickle creates an instance of ${module}.${name} (INST), which is not allowed; refusing to load`);
          break;
        }
        case 0x6f: {
          // OBJ: never allowed
          const cls = this.popMark()[0];
          this.fail(`pickle creates an object (OBJ)${cls instanceof PickleGlobalRef ? ` of ${cls.fullName}` : ''}, which is not allowed; refusing to load`);
          break;
        }
        case 0x81: // NEWOBJ
        case 0x92: {
          // NEWOBJ_EX (keyword arguments are not supported)
          if (code === 0x92) {
            const kw = this.pop();
            if (!(kw instanceof Map) || kw.size > 0) this.fail('NEWOBJ_EX with keyword arguments is not supported');
          }
          const args = this.pop();
          const [g, r] = this.reducer(this.pop(), 'NEWOBJ');
          if (!Array.isArray(args)) this.fail('malformed pickle: NEWOBJ arguments are not a tuple');
          if (r.newObject === undefined) this.fail(`pickle creates an object (NEWOBJ) of ${g.fullName}, which is not allowed; refusing to load`);
          this.push(this.made(r.newObject(args as unknown[], this.ctx), r));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const [g, r] = this.reducer(this.pop(), 'REDUCE');
          if (!Array.isArray(args)) this.fail('malformed pickle: REDUCE arguments are not a tuple');
          if (r.call === undefined) this.fail(`calling ${g.fullName} is not allowed`);
          this.push(this.made(r.call(args as unknown[], this.ctx), r));
          break;
        }
        case 0x62: {
          // BUILD: only on objects whose reducer knows how to take a state
          const state = this.pop();
          const obj = this.top();
          const r = typeof obj === 'object' && obj !== null ? this.madeBy.get(obj) : undefined;
          if (r?.build === undefined) this.fail('pickle sets the state of an object (BUILD) that does not take one here; refusing to load');
          r.build(obj as object, state, this.ctx);
          break;
        }
        case 0x50: // PERSID
        case 0x51: {
          // BINPERSID
          const pid = code === 0x50 ? this.line() : this.pop();
          if (this.o.persistentLoad === undefined) this.fail('pickle uses persistent ids, which are not supported here');
          this.push(this.o.persistentLoad(pid, this.ctx));
          break;
        }
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

  /**
   * At STOP: run each reducer's `finish`, then make sure no global and no internal helper object
   * reached the result (iterative: cycles and depth are fine).
   */
  private finishAll(root: unknown): void {
    for (const [obj, r] of this.madeBy) r.finish?.(obj, this.ctx);
    const seen = new Set<unknown>();
    const todo: unknown[] = [root];
    while (todo.length > 0) {
      const v = todo.pop();
      if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || seen.has(v)) continue;
      seen.add(v);
      if (v instanceof PickleGlobalRef) this.fail(`the pickle's result contains the global ${v.fullName}, which is not plain data`);
      if (this.madeBy.get(v)?.internal === true) this.fail(`the pickle's result contains a helper object (${v.constructor.name}), which is not plain data`);
      if (Array.isArray(v) || v instanceof Set) for (const x of v) todo.push(x);
      else if (v instanceof Map) for (const [k, x] of v) todo.push(k, x);
      else for (const k of Object.keys(v)) todo.push((v as Record<string, unknown>)[k]);
    }
  }
}

/** Undo Python 2 `repr()` quoting of a STRING argument. */
function unquote(line: string, fail: (m: string) => never): string {
  const s = line.replace(/\r?$/, '');
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) return fail('malformed STRING argument (not quoted)');
  const body = s.slice(1, -1);
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i] ?? '';
    if (Object.hasOwn(simple, n)) {
      out += simple[n];
    } else if (n === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return fail('malformed \\x escape in STRING');
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
    } else {
      const m = /^[0-7]{1,3}/.exec(body.slice(i));
      if (m) {
        out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
        i += m[0].length - 1;
      } else {
        out += `\\${n}`;
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
