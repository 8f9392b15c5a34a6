import { readFileSync } from 'node:fs';
import yauzl from 'yauzl';
import { InputError } from '@descbench/core';
import type { StateDict } from './state-dict';
import { storageElementBytes, storageFromPid, unpickleTorch, type StorageRef, type TensorRef } from './torch-pickle';

/**
 * Read PyTorch checkpoints without Python: the zip format (`torch.save` since 1.6: `<dir>/data.pkl`
 * plus one file per storage under `<dir>/data/`, read with `yauzl`) and the legacy format (five
 * consecutive pickles -- magic number, protocol, system info, the object, storage keys -- followed
 * by each storage as an int64 element count and raw little-endian data).
 */

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

type StorageBytes = Map<string, Uint8Array>;

export type CheckpointFormat = 'torch-zip' | 'torch-legacy';

export interface Checkpoint {
  format: CheckpointFormat;
  /** The unpickled object; tensors inside are `HostTensor`s (float32). */
  object: unknown;
}

/** Parse a PyTorch checkpoint file into plain values with float32 tensors. */
export async function readTorchCheckpoint(file: string): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read checkpoint: ${(e as Error).message}`, { file });
  }
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return { format: 'torch-zip', object: await readZip(file) };
  if (bytes[0] === 0x80) return { format: 'torch-legacy', object: readLegacy(bytes, file) };
  throw new InputError('not a PyTorch checkpoint (neither a zip archive nor a legacy pickle stream)', { file, offset: 0 });
}

function failer(file: string) {
  return (msg: string, offset?: number): never => {
    throw new InputError(msg, offset !== undefined ? { file, offset } : { file });
  };
}

function readLegacy(bytes: Uint8Array, file: string): unknown {
  const fail = failer(file);
  const magic = unpickleTorch(bytes, 0, { file });
  if (magic.value !== LEGACY_MAGIC && BigInt(typeof magic.value === 'number' ? magic.value : 0) !== LEGACY_MAGIC) {
    fail('not a PyTorch legacy checkpoint (bad magic number)', 0);
  }
  const proto = unpickleTorch(bytes, magic.end, { file });
  if (proto.value !== 1001) fail(`unsupported legacy protocol version ${String(proto.value)}`, magic.end);
  const sysInfo = unpickleTorch(bytes, proto.end, { file });
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) fail('big-endian checkpoints are not supported');
  const storages = new Map<string, StorageRef>();
  const main = unpickleTorch(bytes, sysInfo.end, {
    file,
    baseOffset: 0,
    persistentLoad: (pid) => {
      const s = storageFromPid(pid, (m) => fail(m, sysInfo.end));
      const seen = storages.get(s.key);
      if (seen === undefined) storages.set(s.key, s);
      return seen ?? s;
    },
  });
  const keys = unpickleTorch(bytes, main.end, { file });
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string' || typeof k === 'number')) fail('legacy storage key list is malformed', main.end);
  const data: StorageBytes = new Map();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keys.end;
  for (const k of keys.value as (string | number)[]) {
    const key = String(k);
    const s = storages.get(key);
    if (s === undefined) fail(`storage ${key} is listed but never used`, pos);
    if (pos + 8 > bytes.length) fail(`truncated: storage ${key} header missing`, pos);
    const numel = Number(view.getBigInt64(pos, true));
    const nbytes = numel * storageElementBytes(s!.dtype);
    if (numel !== s!.numel) fail(`storage ${key} holds ${numel} elements, the pickle says ${s!.numel}`, pos);
    if (pos + 8 + nbytes > bytes.length) fail(`truncated: storage ${key} needs ${nbytes} bytes, ${bytes.length - pos - 8} left`, pos);
    data.set(key, bytes.subarray(pos + 8, pos + 8 + nbytes));
    pos += 8 + nbytes;
  }
  return materialise(main.value, data, file);
}

async function readZip(file: string): Promise<unknown> {
  const entries = await readZipEntries(file);
  const pkl = [...entries.keys()].find((n) => n.endsWith('data.pkl') && n.split('/').length === 2);
  if (pkl === undefined) throw new InputError('zip checkpoint has no <dir>/data.pkl', { file });
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const fail = failer(file);
  const used = new Map<string, StorageRef>();
  const main = unpickleTorch(entries.get(pkl)!, 0, {
    file: `${file}:${pkl}`,
    persistentLoad: (pid) => {
      const s = storageFromPid(pid, (m) => fail(m));
      if (!used.has(s.key)) used.set(s.key, s);
      return used.get(s.key);
    },
  });
  const data: StorageBytes = new Map();
  for (const [key, s] of used) {
    const name = `${prefix}data/${key}`;
    const b = entries.get(name);
    if (b === undefined) fail(`zip checkpoint lacks storage ${name}`);
    const want = s.numel * storageElementBytes(s.dtype);
    if (b!.length < want) fail(`storage ${name} has ${b!.length} bytes, needs ${want} for ${s.numel} elements`);
    data.set(key, b!);
  }
  return materialise(main.value, data, file);
}

function readZipEntries(file: string): Promise<Map<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    const bad = (e: Error): void => reject(new InputError(`corrupt zip checkpoint: ${e.message}`, { file }));
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || zip === undefined) return bad(err ?? new Error('cannot open'));
      const out = new Map<string, Uint8Array>();
      zip.on('error', bad);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || stream === undefined) return bad(e2 ?? new Error('cannot read entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', bad);
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Replace every `TensorRef` inside `v` by a contiguous float32 `HostTensor`, checking bounds. */
function materialise(v: unknown, data: StorageBytes, file: string): unknown {
  if (v instanceof Map) {
    const m = new Map();
    for (const [k, x] of v) m.set(k, materialise(x, data, file));
    return m;
  }
  if (Array.isArray(v)) return v.map((x) => materialise(x, data, file));
  if (typeof v === 'object' && v !== null && (v as TensorRef).kind === 'tensor') return tensorFrom(v as TensorRef, data, file);
  return v;
}

function tensorFrom(t: TensorRef, data: StorageBytes, file: string): { shape: number[]; data: Float32Array } {
  const bytes = data.get(t.storage.key);
  if (bytes === undefined) throw new InputError(`storage ${t.storage.key} is missing`, { file });
  const n = t.size.reduce((a, b) => a * b, 1);
  const last = n === 0 ? t.offset : t.offset + t.size.reduce((a, s, i) => a + (s - 1) * t.stride[i]!, 0);
  const el = storageElementBytes(t.storage.dtype);
  const available = Math.min(t.storage.numel, Math.floor(bytes.length / el));
  if (n > 0 && last >= available) {
    throw new InputError(`storage ${t.storage.key} is shorter than its tensor: shape [${t.size.join(', ')}] at offset ${t.offset} needs ${last + 1} elements, has ${available}`, {
      file,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = reader(t.storage.dtype, view);
  const out = new Float32Array(n);
  const idx = new Array<number>(t.size.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = t.offset;
    for (let d = 0; d < idx.length; d++) off += idx[d]! * t.stride[d]!;
    out[i] = read(off);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < t.size[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape: [...t.size], data: out };
}

function reader(dtype: StorageRef['dtype'], v: DataView): (i: number) => number {
  switch (dtype) {
    case 'float32':
      return (i) => v.getFloat32(4 * i, true);
    case 'float64':
      return (i) => v.getFloat64(8 * i, true);
    case 'float16':
      return (i) => halfToFloat(v.getUint16(2 * i, true));
    case 'bfloat16':
      return (i) => new Float32Array(new Uint32Array([v.getUint16(2 * i, true) << 16]).buffer)[0]!;
    case 'int64':
      return (i) => Number(v.getBigInt64(8 * i, true));
    case 'int32':
      return (i) => v.getInt32(4 * i, true);
    case 'int16':
      return (i) => v.getInt16(2 * i, true);
    case 'int8':
      return (i) => v.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => v.getUint8(i);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Load the state dict from a checkpoint: the top-level dict, or the dict under `stateDictKey`
 * (e.g. HardNet's `{'epoch', 'state_dict'}`), or under `state_dict` when the top level has it.
 * Non-tensor entries are refused.
 */
export async function loadTorchStateDict(file: string, stateDictKey?: string): Promise<StateDict> {
  const ck = await readTorchCheckpoint(file);
  let obj = ck.object;
  if (!(obj instanceof Map)) throw new InputError('checkpoint is not a dict', { file });
  const key = stateDictKey ?? (obj.has('state_dict') ? 'state_dict' : undefined);
  if (key !== undefined) {
    if (!obj.has(key)) throw new InputError(`checkpoint has no "${key}" entry (keys: ${[...obj.keys()].join(', ')})`, { file });
    obj = obj.get(key);
    if (!(obj instanceof Map)) throw new InputError(`checkpoint entry "${key}" is not a dict`, { file });
  }
  const sd: StateDict = new Map();
  for (const [k, v] of obj as Map<unknown, unknown>) {
    if (typeof k !== 'string' || typeof v !== 'object' || v === null || !('data' in v) || !('shape' in v)) {
      throw new InputError(`state dict entry ${String(k)} is not a tensor`, { file });
    }
    sd.set(k.startsWith('module.') ? k.slice('module.'.length) : k, v as { shape: number[]; data: Float32Array });
  }
  return sd;
}
