import { PickleGlobalRef, orderedDict, ownEntry, pickleGlobals, unpickle, type PickleGlobals, type PickleReducer, type UnpickleResult } from '@descbench/core';

/**
 * PyTorch checkpoints' pickles, read with the project's one safe unpickler (`unpickle` in
 * @descbench/core), which parses and never executes anything. The only globals accepted are
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

/** `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` as a {@link TensorRef}. */
const rebuildTensor: PickleReducer = {
  call(args, ctx) {
    // v2 (PyTorch >= 0.4) appends requires_grad and hooks; v1 (0.2-0.3, e.g. HardNet's 2017 checkpoints) has only these four
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
      return ctx.fail('malformed _rebuild_tensor_v2 arguments');
    }
    const t: TensorRef = { kind: 'tensor', storage, offset, size: [...size], stride: [...stride] };
    return t;
  },
};

/**
 * The globals a state dict may name: `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`
 * (and its pre-0.4 form `_rebuild_tensor`) and the `torch.<Type>Storage` names (only as
 * persistent-id arguments; they are never called).
 */
export const TORCH_PICKLE_GLOBALS: PickleGlobals = pickleGlobals(
  {
    'collections.OrderedDict': orderedDict,
    'torch._utils._rebuild_tensor_v2': rebuildTensor,
    'torch._utils._rebuild_tensor': rebuildTensor,
  },
  Object.fromEntries(Object.keys(STORAGE_TYPES).map((k) => [`torch.${k}`, {}])),
);

export interface TorchUnpickleOptions {
  /** Turns a persistent id (already unpickled) into a value; absent: persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  file?: string;
  /** Offset of `bytes` within the file, for error messages. */
  baseOffset?: number;
}

/** Parse one pickle of a checkpoint starting at `start` (the core unpickler with {@link TORCH_PICKLE_GLOBALS}). */
export function unpickleTorch(bytes: Uint8Array, start = 0, o: TorchUnpickleOptions = {}): UnpickleResult {
  const persistentLoad = o.persistentLoad;
  return unpickle(bytes, {
    start,
    globals: TORCH_PICKLE_GLOBALS,
    file: o.file,
    baseOffset: o.baseOffset,
    ...(persistentLoad !== undefined ? { persistentLoad: (pid: unknown) => persistentLoad(pid) } : {}),
  });
}

/** Turn a torch persistent id `('storage', <Global torch.XStorage>, key, location, numel, ...)` into a `StorageRef`. */
export function storageFromPid(pid: unknown, fail: (msg: string) => never): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) return fail('unexpected persistent id (not a storage)');
  const [, type, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
  const storage = type instanceof PickleGlobalRef && type.module === 'torch' ? ownEntry(STORAGE_TYPES, type.name) : undefined;
  if (storage === undefined) return fail('persistent id names no torch storage type');
  if (typeof key !== 'string' && typeof key !== 'number') return fail('storage key is not a string');
  if (typeof numel !== 'number' || !Number.isInteger(numel) || numel < 0) return fail('storage size is not a non-negative integer');
  return { kind: 'storage', dtype: storage.dtype, key: String(key), numel };
}

export function storageElementBytes(dtype: StorageDtype): number {
  return Object.values(STORAGE_TYPES).find((s) => s.dtype === dtype)!.bytes;
}
