import { InputError } from '@descbench/core';

/**
 * A safe, minimal unpickler for PyTorch checkpoints: it parses the pickle opcodes a state dict
 * uses (protocols 2-5) and never executes anything. The only globals it accepts are
 * `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` (and its pre-0.4 form
 * `_rebuild_tensor`, same first four arguments) and `torch.<Type>Storage`; any
 * other global is refused with an `InputError` naming it. Tensors come back as `TensorRef`s
 * pointing into storages that the caller reads (`torch-checkpoint.ts`).
 */

/** A storage reference from a persistent id: dtype (from `torch.FloatStorage` etc.), key, element count. */
export interface StorageRef {
  kind: 'storage';
  dtype: StorageDtype;
  key: string;
  numel: number;
}

/** A tensor view of a storage (`_rebuild_tensor_v2(storage, offset, size, stride, ...)`). */
export interface TensorRef {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

export type StorageDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const STORAGE_TYPES: Record<string, { dtype: StorageDtype; bytes: number }> = {
  FloatStorage: { dtype: 'float32', bytes: 4 },
  DoubleStorage: { dtype: 'float64', bytes: 8 },
  HalfStorage: { dtype: 'float16', bytes: 2 },
  BFloat16Storage: { dtype: 'bfloat16', bytes: 2 },
  LongStorage: { dtype: 'int64', bytes: 8 },
  IntStorage: { dtype: 'int32', bytes: 4 },
  ShortStorage: { dtype: 'int16', bytes: 2 },
  CharStorage: { dtype: 'int8', bytes: 1 },
  ByteStorage: { dtype: 'uint8', bytes: 1 },
  BoolStorage: { dtype: 'bool', bytes: 1 },
};

class Global {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}
export interface UnpickleOptions {
  /** Turns a persistent id (already unpickled) into a value; absent: persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  file?: string;
  /** Offset of `bytes` within the file, for error messages. */
  baseOffset?: number;
}

export interface UnpickleResult {
  value: unknown;
  /** Bytes consumed (the position just after STOP). */
  end: number;
}

const ALLOWED = (module: string, name: string): boolean =>
  (module === 'collections' && name === 'OrderedDict') ||
  (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) ||
  (module === 'torch' && name in STORAGE_TYPES);

/** Parse one pickle starting at `start`. */
export function unpickle(bytes: Uint8Array, start = 0, o: UnpickleOptions = {}): UnpickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const td = new TextDecoder('utf-8', { fatal: false });
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = start;
  const fail = (msg: string, at = pos): never => {
    throw new InputError(`bad pickle: ${msg}`, { ...(o.file !== undefined ? { file: o.file } : {}), offset: (o.baseOffset ?? 0) + at });
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) fail(`truncated (needs ${n} more byte(s))`);
  };
  const u8 = (): number => (need(1), bytes[pos++]!);
  const u16 = (): number => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = (): number => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = (): number => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('length too large');
    return Number(v);
  };
  const raw = (n: number): Uint8Array => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated GLOBAL');
    const s = td.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('no MARK');
    return stack.splice(m!);
  };
  const longLE = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const global = (module: string, name: string, at: number): Global => {
    if (!ALLOWED(module, name)) fail(`refusing global ${module}.${name} (only OrderedDict, _rebuild_tensor(_v2) and torch storages are allowed)`, at);
    return new Global(module, name);
  };
  const call = (f: unknown, args: unknown, at: number): unknown => {
    if (!(f instanceof Global) || !Array.isArray(args)) return fail('REDUCE on a non-callable', at);
    if (f.module === 'collections') return new Map(Array.isArray(args[0]) ? (args[0] as [unknown, unknown][]) : []);
    // v2 (PyTorch >= 0.4) appends requires_grad and hooks; v1 (0.2-0.3, e.g. HardNet's 2017 checkpoints) has only these four
    if (f.name === '_rebuild_tensor_v2' || f.name === '_rebuild_tensor') {
      const [storage, offset, size, stride] = args as [StorageRef, number, number[], number[]];
      if (
        typeof storage !== 'object' ||
        storage === null ||
        (storage as StorageRef).kind !== 'storage' ||
        typeof offset !== 'number' ||
        !Array.isArray(size) ||
        !Array.isArray(stride) ||
        size.length !== stride.length ||
        ![...size, ...stride].every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)
      ) {
        return fail('malformed _rebuild_tensor_v2 arguments', at);
      }
      const t: TensorRef = { kind: 'tensor', storage, offset, size: [...size], stride: [...stride] };
      return t;
    }
    return fail(`${f.module}.${f.name} is not callable here`, at);
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} items on the stack`, at);
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longLE(raw(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) fail('negative LONG4 length', at);
        stack.push(longLE(raw(n)));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(td.decode(raw(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(td.decode(raw(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(td.decode(raw(u64())));
        break;
      case 0x54: // BINSTRING
        stack.push(td.decode(raw(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(td.decode(raw(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(raw(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(raw(u8()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(raw(u64()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) fail('APPEND to a non-list', at);
        (l as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail('APPENDS to a non-list', at);
        (l as unknown[]).push(...items);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85:
        stack.push([pop()]);
        break;
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const m = new Map();
        for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i], items[i + 1]);
        stack.push(m);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        const m = top();
        if (!(m instanceof Map)) fail('SETITEM on a non-dict', at);
        (m as Map<unknown, unknown>).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const m = top();
        if (!(m instanceof Map)) fail('SETITEMS on a non-dict', at);
        for (let i = 0; i + 1 < items.length; i += 2) (m as Map<unknown, unknown>).set(items[i], items[i + 1]);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: {
        // BINGET
        const k = u8();
        if (!memo.has(k)) fail(`BINGET of unknown memo ${k}`, at);
        stack.push(memo.get(k));
        break;
      }
      case 0x6a: {
        const k = u32();
        if (!memo.has(k)) fail(`LONG_BINGET of unknown memo ${k}`, at);
        stack.push(memo.get(k));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(global(module, name, at));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings', at);
        stack.push(global(module as string, name as string, at));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const f = pop();
        stack.push(call(f, args, at));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args, at));
        break;
      }
      case 0x62: {
        // BUILD: only OrderedDict state (e.g. `_metadata`) is expected; it is dropped.
        pop();
        const obj = top();
        if (!(obj instanceof Map)) fail('BUILD on an object that is not a dict', at);
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (o.persistentLoad === undefined) fail('persistent id without a loader', at);
        stack.push(o.persistentLoad!(pid));
        break;
      }
      default:
        fail(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`, at);
    }
  }
}

/** Turn a torch persistent id `('storage', <Global torch.XStorage>, key, location, numel, ...)` into a `StorageRef`. */
export function storageFromPid(pid: unknown, fail: (msg: string) => never): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) return fail('unexpected persistent id (not a storage)');
  const [, type, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
  if (!(type instanceof Global) || type.module !== 'torch' || !(type.name in STORAGE_TYPES)) return fail('persistent id names no torch storage type');
  if (typeof key !== 'string' && typeof key !== 'number') return fail('storage key is not a string');
  if (typeof numel !== 'number' || !Number.isInteger(numel) || numel < 0) return fail('storage size is not a non-negative integer');
  return { kind: 'storage', dtype: STORAGE_TYPES[type.name]!.dtype, key: String(key), numel };
}

export function storageElementBytes(dtype: StorageDtype): number {
  return Object.values(STORAGE_TYPES).find((s) => s.dtype === dtype)!.bytes;
}
