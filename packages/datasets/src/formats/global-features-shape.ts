import { InputError } from '@descbench/core';

/** How a 2-D array of global descriptors lies in its file, and what the caller expects of it. */
export interface GlobalFeaturesLayout {
  /** `rows`: [N, D] (default); `columns`: [D, N], as cirtorch and CSA store them. */
  layout?: 'rows' | 'columns';
  /** Expected N (e.g. |imlist|); a mismatch is an InputError. */
  count?: number;
  /** Expected D. */
  dim?: number;
}

/**
 * N and D of an array of global descriptors (float16/32/64, 2-D) read as `o.layout`, checked
 * against the expected ones; one InputError naming the file otherwise. `descr` (the .npy header's
 * dtype string) is added to the dtype message when known.
 */
export function globalFeaturesShape(file: string, dtype: string, shape: readonly number[], o: GlobalFeaturesLayout, descr?: string): { count: number; dim: number; cols: boolean } {
  if (dtype !== 'float16' && dtype !== 'float32' && dtype !== 'float64') throw new InputError(`global features must be float16/32/64, got ${dtype}${descr !== undefined ? ` (${descr})` : ''}`, { file });
  if (shape.length !== 2) throw new InputError(`global features must be a 2-D array, got shape [${shape.join(', ')}]`, { file });
  const [r, c] = shape as [number, number];
  const cols = o.layout === 'columns';
  const count = cols ? c : r;
  const dim = cols ? r : c;
  if (o.count !== undefined && count !== o.count) {
    const hint = (cols ? r : c) === o.count ? ` (the other axis matches: use layout ${cols ? 'rows' : 'columns'})` : '';
    throw new InputError(`${count} descriptors, expected ${o.count}${hint}`, { file });
  }
  if (o.dim !== undefined && dim !== o.dim) throw new InputError(`descriptor dimension ${dim}, expected ${o.dim}`, { file });
  return { count, dim, cols };
}
