import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { InputError } from '@descbench/core';
import type { HostTensor, StateDict } from './state-dict';

/**
 * safetensors (Hugging Face's tensor file format, readable by `safetensors.torch.load_file`):
 * 8-byte little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}` with
 * an optional `__metadata__` string map, then the raw little-endian data. descbench writes float32
 * state dicts (training checkpoints) in it and reads F32/F64/F16 back as float32.
 */
export interface SafetensorsFile {
  tensors: StateDict;
  metadata: Record<string, string>;
}

const ITEM_SIZE: Record<string, number> = { F32: 4, F64: 8, F16: 2 };

export function encodeSafetensors(tensors: StateDict, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let p = 8 + head.length;
  for (const t of tensors.values()) {
    const src = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    src.copy(out, p);
    p += src.length;
  }
  return out;
}

export function decodeSafetensors(buf: Buffer, file = '<buffer>'): SafetensorsFile {
  if (buf.length < 8) throw new InputError(`safetensors file shorter than its 8-byte header length (${buf.length} bytes)`, { file });
  const n = Number(buf.readBigUInt64LE(0));
  if (n > buf.length - 8) throw new InputError(`header length ${n} runs past the end of the file (${buf.length} bytes)`, { file, offset: 0 });
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`header is not valid JSON: ${(e as Error).message}`, { file, offset: 8 });
  }
  const dataStart = 8 + n;
  const dataLen = buf.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: StateDict = new Map();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: off } = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const item = ITEM_SIZE[dtype];
    if (item === undefined) throw new InputError(`tensor "${name}" has dtype ${dtype}; expected F32, F64 or F16`, { file });
    if (!Array.isArray(shape) || !Array.isArray(off) || off.length !== 2) throw new InputError(`tensor "${name}" lacks shape or data_offsets`, { file });
    const count = shape.reduce((a, b) => a * b, 1);
    const [b, e] = off;
    if (!(Number.isInteger(b) && Number.isInteger(e) && b >= 0 && e >= b && e <= dataLen)) {
      throw new InputError(`tensor "${name}" data_offsets [${b}, ${e}] fall outside the ${dataLen} data bytes (truncated file?)`, { file });
    }
    if (e - b !== count * item) throw new InputError(`tensor "${name}" holds ${e - b} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${count * item}`, { file });
    const bytes = buf.subarray(dataStart + b, dataStart + e);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      data[i] = dtype === 'F32' ? bytes.readFloatLE(i * 4) : dtype === 'F64' ? bytes.readDoubleLE(i * 8) : halfToFloat(bytes.readUInt16LE(i * 2));
    }
    tensors.set(name, { shape: [...shape], data } satisfies HostTensor);
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsFile {
  return decodeSafetensors(readFileSync(file), file);
}

/** Write to `file` (callers that need atomicity write to a temp name and rename). */
export function writeSafetensors(file: string, tensors: StateDict, metadata: Record<string, string> = {}): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, encodeSafetensors(tensors, metadata));
  } finally {
    closeSync(fd);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
