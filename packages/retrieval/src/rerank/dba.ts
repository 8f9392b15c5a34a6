import { InputError } from '@descbench/core';
import { exactKnn, type KnnEngine } from '../search/knn';
import { l2NormalizeRows, readRows, vectorStore, type VectorStore } from '../search/vectors';

/**
 * Database-side augmentation (Arandjelovic and Zisserman, CVPR 2012; Gordo et al. 2017 on global
 * descriptors): every database vector is replaced by a combination of itself and its n nearest
 * database neighbours, then re-normalised; queries are searched against the augmented database.
 *
 * - `dba`: the plain average of the vector and its top n neighbours (weights 1);
 * - `alpha-dba`: weights (d . d_j)^alpha, alpha = 3 (as alpha-QE; the vector itself has weight 1).
 *
 * n defaults to 10. Needs a database x database kNN (N^2 D operations: minutes for Oxford/Paris,
 * about a day for R1M on 2 cores).
 */
export type DbaMethod = 'dba' | 'alpha-dba';

export interface DbaOptions {
  method?: DbaMethod;
  n?: number;
  alpha?: number;
  engine?: KnnEngine;
  onProgress?: (done: number, total: number) => void;
}

export const DBA_DEFAULTS = { n: 10, alpha: 3 } as const;

/** The augmented database `[N, D]` float32 (rows L2-normalised). */
export async function augmentDatabase(db: VectorStore, o: DbaOptions = {}): Promise<Float32Array> {
  const n = o.n ?? DBA_DEFAULTS.n;
  const alpha = (o.method ?? 'dba') === 'dba' ? 0 : (o.alpha ?? DBA_DEFAULTS.alpha);
  const N = db.count;
  const D = db.dim;
  if (!Number.isInteger(n) || n < 1) throw new InputError(`DBA: n must be a positive integer, got ${n}`, { at: 'n' });
  if (n + 1 > N) throw new InputError(`DBA: n = ${n} neighbours need a database of more than ${n} vectors; there are ${N}`, { at: 'n' });
  const all = readRows(db, 0, N, new Float32Array(N * D));
  const nn = await exactKnn(vectorStore(all, N, D), all, { k: n + 1, ...(o.engine ? { engine: o.engine } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  const out = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const acc = new Float64Array(D);
    for (let d = 0; d < D; d++) acc[d] = all[i * D + d]!;
    // the top n neighbours other than the vector itself (it is normally rank 0; a duplicate may outrank it)
    let used = 0;
    for (let r = 0; r <= n && used < n; r++) {
      const j = nn.ranks[r * N + i]!;
      if (j === i) continue;
      const w = alpha === 0 ? 1 : nn.scores[r * N + i]! ** alpha;
      for (let d = 0; d < D; d++) acc[d]! += w * all[j * D + d]!;
      used++;
    }
    for (let d = 0; d < D; d++) out[i * D + d] = acc[d]!;
  }
  return l2NormalizeRows(out, D);
}
