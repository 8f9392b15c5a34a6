import { asmkSearch, trainCodebook, type LocalDescriptors } from '../asmk/asmk';
import { extractHowLocal, type HowModel } from './how-model';

/**
 * HOW + ASMK retrieval of gray images: local descriptors (multi-scale, top-k by attention), a
 * codebook learned on the codebook images' descriptors, ASMK search of the queries over the
 * database. Returns per-query scores `[Q][N]`, the database memory and descriptor counts.
 */
export interface HowAsmkOptions {
  size: number;
  scales: readonly number[];
  topk: number;
  codebookSize: number;
  seed: number;
}

export function howAsmkScores(
  m: HowModel,
  images: { codebook: Uint8Array[]; db: Uint8Array[]; queries: Uint8Array[] },
  o: HowAsmkOptions,
): { scores: Float64Array[]; memoryBytes: number; meanDescriptors: number } {
  const ex = (img: Uint8Array): LocalDescriptors => extractHowLocal(m, img, o.size, { scales: o.scales, topk: o.topk });
  const train = images.codebook.map(ex);
  const cb = trainCodebook(train, m.dim, { codebookSize: Math.min(o.codebookSize, train.reduce((a, t) => a + t.count, 0)), seed: o.seed });
  const db = images.db.map(ex);
  const queries = images.queries.map(ex);
  const r = asmkSearch(cb, db, queries);
  return { scores: r.scores, memoryBytes: r.memoryBytes, meanDescriptors: db.reduce((a, t) => a + t.count, 0) / db.length };
}

/** Database indices by descending score (ties by index), `[Q][N]`. */
export function rankByScore(scores: Float64Array[]): Int32Array[] {
  return scores.map((s) => Int32Array.from(Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[b]! - s[a]! || a - b)));
}
