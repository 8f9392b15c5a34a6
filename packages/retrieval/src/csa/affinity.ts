import { InputError } from '@descbench/core';
import { rowDot, type FeatureRows } from './features';

/**
 * CSA's test-time input for one query (the authors' `test.py`): rows = the query and its top-K
 * database images, anchors = the query and its top L-1; entry (r, a) = dot(row_r, anchor_a), the
 * cosine similarity for L2-normalised descriptors. Returns `[(K + 1) x L]` row-major.
 *
 * `ranking` holds database indices in first-stage order (at least max(K, L - 1) of them).
 */
export function csaQueryAffinity(db: FeatureRows, queries: FeatureRows, q: number, ranking: ArrayLike<number>, k: number, l: number): Float32Array {
  if (db.dim !== queries.dim) throw new InputError(`csa: database dim ${db.dim} differs from query dim ${queries.dim}`, { at: 'query' });
  const need = Math.max(k, l - 1);
  if (ranking.length < need) throw new InputError(`csa: ranking of query ${q} has ${ranking.length} entries; K = ${k} and L = ${l} need ${need}`, { at: `query ${q}` });
  const out = new Float32Array((k + 1) * l);
  const anchorDb = (a: number): number => ranking[a - 1] as number;
  // row 0: the query against the anchors
  out[0] = rowDot(queries, q, queries, q);
  for (let a = 1; a < l; a++) out[a] = rowDot(queries, q, db, anchorDb(a));
  for (let r = 1; r <= k; r++) {
    const i = ranking[r - 1] as number;
    const o = r * l;
    out[o] = rowDot(db, i, queries, q);
    for (let a = 1; a < l; a++) out[o + a] = rowDot(db, i, db, anchorDb(a));
  }
  return out;
}

/**
 * CSA's training input for one image (`RerankDataset_TopKSIM.__getitem__`): `neighbours` are its
 * top-N images by feature similarity with itself first; the affinity is every neighbour against
 * the first L of them (`N x L`), then the rows 1.. are permuted by `rowOrder` (row 0 stays) while
 * the anchor columns keep their order. Returns `[N x L]` row-major.
 */
export function csaTrainingAffinity(features: FeatureRows, neighbours: ArrayLike<number>, l: number, rowOrder: ArrayLike<number>): Float32Array {
  const n = neighbours.length;
  if (rowOrder.length !== n || rowOrder[0] !== 0) throw new Error('csa: rowOrder must be a permutation of the rows starting with 0');
  const out = new Float32Array(n * l);
  for (let r = 0; r < n; r++) {
    const i = neighbours[rowOrder[r] as number] as number;
    for (let a = 0; a < l; a++) out[r * l + a] = rowDot(features, i, features, neighbours[a] as number);
  }
  return out;
}
