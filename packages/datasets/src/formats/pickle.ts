import { readFileSync } from 'node:fs';
import { InputError, codecsEncode, numpyGlobals, pickleGlobals, unpickle, type NpyData, type NpyDtype, type PickleGlobals } from '@descbench/core';

/**
 * Python pickles of datasets (revisitop ground truth, rSfM120k's db files) read with the project's
 * one safe unpickler (`unpickle` in @descbench/core), which parses and never executes. Python
 * values map to:
 *
 * dict -> `Map`, list -> `Array`, tuple -> frozen `Array`, set/frozenset -> `Set`,
 * str -> `string`, bytes/bytearray -> `Uint8Array`, int -> `number` (or `bigint` beyond 2^53),
 * float -> `number`, bool -> `boolean`, None -> `null`, numpy ndarray -> {@link PickledNdarray},
 * numpy scalar -> `number`/`bigint`/`boolean`.
 *
 * The only globals allowed are numpy's array/dtype/scalar reconstruction and `_codecs.encode`
 * (how protocols 0-2 write bytes): {@link DATASET_PICKLE_GLOBALS}. Anything else is refused with
 * an `InputError` naming the global and the byte offset of the opcode.
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

/** The globals a dataset pickle may name. */
export const DATASET_PICKLE_GLOBALS: PickleGlobals = pickleGlobals(numpyGlobals, { '_codecs.encode': codecsEncode });

/** Their names, for messages and docs. */
export const ALLOWED_GLOBALS: readonly string[] = [...DATASET_PICKLE_GLOBALS.keys()];

export interface ParsePickleOptions {
  /** Names the source in errors. */
  file?: string;
}

/** Parse pickle bytes into plain data; see the module description. */
export function parsePickle(bytes: Uint8Array, o: ParsePickleOptions = {}): PickleValue {
  return unpickle(bytes, { globals: DATASET_PICKLE_GLOBALS, file: o.file }).value as PickleValue;
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
