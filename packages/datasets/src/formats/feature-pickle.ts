import { existsSync } from 'node:fs';
import { InputError } from '@descbench/core';
import type { GlobalFeatures } from '../revisitop';
import { describe, readPickle, type PickleValue, type PickledNdarray } from './pickle';

/**
 * Pickled global-feature dicts as the public retrieval code writes them (CSA's `test.py`,
 * cirtorch-style extraction scripts): `{'db': D x N, 'query': D x Q}` (revisitop) or
 * `{'train': D x N, 'val': D x M}` (rSfM120k), each a float numpy array whose COLUMNS are the
 * descriptors. Read safely (nothing imported or run), checked, and returned as `[N, D]` rows.
 *
 * Refused with an InputError naming the file: anything but a dict; a missing key; a value that
 * is not a 2-D float16/32/64 array; keys of different dimension D; a non-finite value (the
 * descriptor and component are named).
 */
export interface ReadFeatureDictOptions {
  /** `columns` (default): arrays are `D x N`; `rows`: `N x D`. */
  layout?: 'columns' | 'rows';
  /** Expected number of descriptors per key. */
  counts?: Record<string, number>;
}

export function readFeatureDict(file: string, keys: readonly string[], o: ReadFeatureDictOptions = {}): Record<string, GlobalFeatures> {
  if (!existsSync(file)) throw new InputError('missing feature file', { file });
  return featureDictFromPickle(readPickle(file), keys, { ...o, file });
}

export function featureDictFromPickle(root: PickleValue, keys: readonly string[], o: ReadFeatureDictOptions & { file?: string } = {}): Record<string, GlobalFeatures> {
  const file = o.file;
  if (!(root instanceof Map)) throw new InputError(`expected a dict of numpy arrays with keys ${keys.map((k) => `'${k}'`).join(', ')}, got ${describe(root)}`, { file });
  const out: Record<string, GlobalFeatures> = {};
  let dim: number | undefined;
  for (const key of keys) {
    if (!root.has(key)) throw new InputError(`the feature dict has no '${key}' (keys: ${[...root.keys()].map((k) => JSON.stringify(k)).join(', ')})`, { file });
    const f = featuresFromArray(root.get(key) as PickleValue, key, o.layout ?? 'columns', file);
    const want = o.counts?.[key];
    if (want !== undefined && f.count !== want) {
      const other = o.layout === 'rows' ? 'columns' : 'rows';
      const hint = f.dim === want ? ` (the other axis matches: the array is laid out as ${other})` : '';
      throw new InputError(`'${key}' holds ${f.count} descriptors, the ground truth has ${want}${hint}`, { file });
    }
    if (dim !== undefined && f.dim !== dim) throw new InputError(`'${key}' has dimension ${f.dim}, '${keys[0]}' has ${dim}`, { file });
    dim = f.dim;
    out[key] = f;
  }
  return out;
}

function featuresFromArray(v: PickleValue, key: string, layout: 'columns' | 'rows', file: string | undefined): GlobalFeatures {
  const a = v as PickledNdarray;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Map || a.kind !== 'ndarray') {
    throw new InputError(`'${key}' is ${describe(v)}, expected a 2-D float numpy array`, { file });
  }
  if (a.dtype !== 'float32' && a.dtype !== 'float16' && a.dtype !== 'float64') throw new InputError(`'${key}' has dtype ${a.dtype}, expected float16/32/64`, { file });
  if (a.shape.length !== 2) throw new InputError(`'${key}' has shape [${a.shape.join(', ')}], expected a 2-D array`, { file });
  const [r, c] = a.shape as [number, number];
  const cols = layout === 'columns';
  const count = cols ? c : r;
  const dim = cols ? r : c;
  const src = a.data as ArrayLike<number>;
  // element (i, j) of the stored array, C or Fortran order
  const at = a.fortranOrder ? (i: number, j: number): number => src[j * r + i]! : (i: number, j: number): number => src[i * c + j]!;
  const data = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) {
    for (let d = 0; d < dim; d++) {
      const x = cols ? at(d, n) : at(n, d);
      if (!Number.isFinite(x)) throw new InputError(`'${key}': non-finite value at descriptor ${n}, component ${d}`, { file });
      data[n * dim + d] = x;
    }
  }
  return { count, dim, data };
}
