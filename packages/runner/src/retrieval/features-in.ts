import { InputError } from '@descbench/core';
import { readFeatureDict, readGlobalFeatures, readNpyFloat16Rows, type GlobalFeatures, type RevisitopGnd } from '@descbench/datasets';
import { blockStore, l2NormalizeRows, vectorStore, type VectorStore } from '@descbench/retrieval';

/**
 * Global descriptors of a revisitop dataset, from either
 * - a pickled feature dict `{'db': D x N, 'query': D x Q}` (what CSA's and cirtorch-style scripts
 *   write; `layout: 'rows'` for N x D arrays), or
 * - two `.npy` files, `[N, D]` (`layout: 'rows'`, default for npy) or `[D, N]` (`columns`),
 * plus optional distractors (R1M) as `.npy` or a dict with `db`. A distractor `.npy` is streamed in
 * chunks into float16 storage (real R1M features are 4-8 GB: 1,001,001 x 2048 float16 is 4.1 GB in
 * memory, and no whole-file Buffer is ever made); a distractor pickle is read whole (float32).
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
  /** L2-normalised rows: float16 blocks from a `.npy`, float32 from a pickle. */
  distractors?: VectorStore;
}

export function loadRevisitopFeatures(
  src: FeatureSource,
  gnd: RevisitopGnd,
  distractors?: { file: string; layout?: 'rows' | 'columns' },
  onProgress?: (what: string, done: number, total: number) => void,
): LoadedFeatures {
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
    if (f.endsWith('.pkl')) {
      const d = readFeatureDict(f, ['db'], { layout: distractors.layout ?? 'columns' }).db!;
      if (d.dim !== db.dim) throw new InputError(`distractor dimension ${d.dim}, the dataset's descriptors have ${db.dim}`, { file: f });
      const n = normalised(d);
      out.distractors = vectorStore(n.data, n.count, n.dim);
    } else {
      const layout = distractors.layout ?? 'rows';
      const rows = readNpyFloat16Rows(f, { layout, normalize: true, ...(onProgress ? { onProgress: (d: number, t: number) => onProgress('distractors', d, t) } : {}) });
      if (rows.dim !== db.dim) throw new InputError(`distractor dimension ${rows.dim} (layout ${layout}), the dataset's descriptors have ${db.dim}`, { file: f });
      out.distractors = blockStore(rows.blocks, rows.dim);
    }
  }
  return out;
}

function normalised(f: GlobalFeatures): GlobalFeatures {
  return { ...f, data: l2NormalizeRows(Float32Array.from(f.data), f.dim) };
}
