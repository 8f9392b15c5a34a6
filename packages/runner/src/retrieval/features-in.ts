import { InputError } from '@descbench/core';
import { readFeatureDict, readGlobalFeatures, type GlobalFeatures, type RevisitopGnd } from '@descbench/datasets';
import { l2NormalizeRows } from '@descbench/retrieval';

/**
 * Global descriptors of a revisitop dataset, from either
 * - a pickled feature dict `{'db': D x N, 'query': D x Q}` (what CSA's and cirtorch-style scripts
 *   write; `layout: 'rows'` for N x D arrays), or
 * - two `.npy` files, `[N, D]` (`layout: 'rows'`, default for npy) or `[D, N]` (`columns`),
 * plus optional distractors (R1M) as `.npy` or a dict with `db`.
 * Checked against the ground truth: |imlist| database and |qimlist| query descriptors, one
 * dimension, every value finite (the file and the descriptor are named otherwise). Rows are
 * L2-normalised (the search ranks by cosine similarity).
 */
export type FeatureSource =
  | { kind: 'pickle'; file: string; layout?: 'rows' | 'columns' }
  | { kind: 'npy'; db: string; queries: string; layout?: 'rows' | 'columns' };

export interface LoadedFeatures {
  db: GlobalFeatures;
  queries: GlobalFeatures;
  distractors?: GlobalFeatures;
}

export function loadRevisitopFeatures(src: FeatureSource, gnd: RevisitopGnd, distractors?: { file: string; layout?: 'rows' | 'columns' }): LoadedFeatures {
  let db: GlobalFeatures;
  let queries: GlobalFeatures;
  if (src.kind === 'pickle') {
    const f = readFeatureDict(src.file, ['db', 'query'], { layout: src.layout ?? 'columns', counts: { db: gnd.imlist.length, query: gnd.qimlist.length } });
    db = f.db!;
    queries = f.query!;
  } else {
    const layout = src.layout ?? 'rows';
    db = readGlobalFeatures(src.db, { layout, count: gnd.imlist.length });
    queries = readGlobalFeatures(src.queries, { layout, count: gnd.qimlist.length, dim: db.dim });
  }
  const out: LoadedFeatures = { db: normalised(db), queries: normalised(queries) };
  if (distractors !== undefined) {
    const f = distractors.file;
    const d = f.endsWith('.pkl') ? readFeatureDict(f, ['db'], { layout: distractors.layout ?? 'columns' }).db! : readGlobalFeatures(f, { layout: distractors.layout ?? 'rows' });
    if (d.dim !== db.dim) throw new InputError(`distractor dimension ${d.dim}, the dataset's descriptors have ${db.dim}`, { file: f });
    out.distractors = normalised(d);
  }
  return out;
}

function normalised(f: GlobalFeatures): GlobalFeatures {
  return { ...f, data: l2NormalizeRows(Float32Array.from(f.data), f.dim) };
}
