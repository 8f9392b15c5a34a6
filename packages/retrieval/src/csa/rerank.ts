import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { createOnnxSession, type OnnxSession } from '@descbench/models';
import { csaQueryAffinity } from './affinity';
import type { FeatureRows } from './features';
import type { CsaModel } from './model';
import { buildCsaOnnx } from './onnx-graph';

export interface CsaRerankOptions {
  db: FeatureRows;
  queries: FeatureRows;
  /** First-stage ranking per query (database indices, best first), at least max(K, L - 1) long. */
  rankings: ArrayLike<number>[];
  model: CsaModel;
  /** Re-ranking length K (paper 1024). L is the model's `anchors`. */
  k: number;
  /** `onnx` (onnxruntime, CPU provider; the default) or `tfjs` (the model's own forward). */
  engine?: 'onnx' | 'tfjs';
  /** Queries per inference call (default 8). */
  batch?: number;
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CsaRerankResult {
  /** Per query: the ranking with its first K entries re-ordered by CSA score (ties keep first-stage order). */
  rankings: Int32Array[];
  /** Per query: CSA scores of the first-stage top K, in first-stage order. */
  scores: Float32Array[];
}

/**
 * CSA re-ranking as the authors' test.py does it: per query, affinity rows of the query and its
 * top K against the query and its top L-1, the model's `forward_feature` scores, and the top K
 * re-ordered by descending score; the rest of the ranking is untouched.
 */
export async function csaRerank(o: CsaRerankOptions): Promise<CsaRerankResult> {
  const l = o.model.config.anchors;
  const k = o.k;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`csa: K must be a positive integer, got ${k}`, { at: 'K' });
  if (k > o.db.count || l - 1 > o.db.count) throw new InputError(`csa: K = ${k} and L = ${l} need at least ${Math.max(k, l - 1)} database images; there are ${o.db.count}`, { at: 'K' });
  if (o.rankings.length !== o.queries.count) throw new InputError(`csa: ${o.rankings.length} rankings for ${o.queries.count} queries`, { at: 'rankings' });
  const engine = o.engine ?? 'onnx';
  const batch = o.batch ?? 8;
  let session: OnnxSession | undefined;
  if (engine === 'onnx') session = await createOnnxSession(buildCsaOnnx(o.model.config, o.model.stateDict()), o.threads !== undefined ? { threads: o.threads } : {});
  const rankings: Int32Array[] = [];
  const scores: Float32Array[] = [];
  try {
    for (let start = 0; start < o.queries.count; start += batch) {
      const qs = Array.from({ length: Math.min(batch, o.queries.count - start) }, (_, i) => start + i);
      const input = new Float32Array(qs.length * (k + 1) * l);
      qs.forEach((q, i) => input.set(csaQueryAffinity(o.db, o.queries, q, o.rankings[q]!, k, l), i * (k + 1) * l));
      const out =
        session !== undefined
          ? await session.run(input, [qs.length, k + 1, l])
          : (tf.tidy(() => o.model.scores(tf.tensor3d(input, [qs.length, k + 1, l])).dataSync()) as Float32Array);
      qs.forEach((q, i) => {
        const s = Float32Array.from(out.subarray(i * k, (i + 1) * k));
        const first = o.rankings[q]!;
        const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => (s[b] as number) - (s[a] as number) || a - b);
        const r = Int32Array.from(first as ArrayLike<number>);
        order.forEach((j, pos) => (r[pos] = first[j] as number));
        rankings.push(r);
        scores.push(s);
      });
      o.onProgress?.(start + qs.length, o.queries.count);
    }
  } finally {
    await session?.release();
  }
  return { rankings, scores };
}
