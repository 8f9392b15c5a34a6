import { InputError } from '@descbench/core';
import type { KnnResult } from '../search/knn';
import { l2NormalizeRows, readRows, type VectorStore } from '../search/vectors';

/**
 * Query expansion on global descriptors: a new query from the query and its first-stage top n,
 * then a second search with it.
 *
 * - `aqe`, average query expansion (Chum et al., ICCV 2007, as used on global CNN descriptors by
 *   Gordo et al. 2017): q' = normalise(q + sum_{i=1..n} d_i);
 * - `alpha-qe`, alpha-weighted query expansion (Radenovic, Tolias and Chum, TPAMI 2019):
 *   q' = normalise(q + sum_{i=1..n} (q . d_i)^alpha d_i), alpha = 3 (the published value); the
 *   weight keeps the sign of the similarity (odd alpha), as x ** alpha does in numpy;
 *   alpha = 0 is `aqe`.
 *
 * n (default 10) is the number of top database images used; the sources name it n_QE and choose
 * it per dataset; 10 is the value used here by default and is an option (`--qe-n`).
 */
export type QueryExpansionMethod = 'aqe' | 'alpha-qe';

export interface QueryExpansionOptions {
  method: QueryExpansionMethod;
  /** Top database images used (default 10). */
  n?: number;
  /** alpha-QE exponent (default 3). */
  alpha?: number;
}

export const QE_DEFAULTS = { n: 10, alpha: 3 } as const;

/** Expanded queries `[Q, D]` (L2-normalised rows) from the first-stage result `first` (k >= n). */
export function expandQueries(db: VectorStore, queries: Float32Array, first: KnnResult, o: QueryExpansionOptions): Float32Array {
  const n = o.n ?? QE_DEFAULTS.n;
  const alpha = o.method === 'aqe' ? 0 : (o.alpha ?? QE_DEFAULTS.alpha);
  const D = db.dim;
  const Q = first.queries;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`query expansion: n must be a positive integer, got ${n}`, { at: 'n' });
  if (n > first.k) throw new InputError(`query expansion: n = ${n} is larger than the first-stage depth ${first.k} (database of ${db.count})`, { at: 'n' });
  const out = new Float32Array(Q * D);
  const row = new Float32Array(D);
  for (let q = 0; q < Q; q++) {
    const acc = new Float64Array(D);
    for (let d = 0; d < D; d++) acc[d] = queries[q * D + d]!;
    for (let j = 0; j < n; j++) {
      const w = alpha === 0 ? 1 : first.scores[j * Q + q]! ** alpha;
      readRows(db, first.ranks[j * Q + q]!, 1, row);
      for (let d = 0; d < D; d++) acc[d]! += w * row[d]!;
    }
    for (let d = 0; d < D; d++) out[q * D + d] = acc[d]!;
  }
  return l2NormalizeRows(out, D);
}
