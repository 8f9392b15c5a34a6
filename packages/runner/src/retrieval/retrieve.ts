import { InputError, writeFileAtomicSync } from '@descbench/core';
import { encodeNpy, type RevisitopGnd } from '@descbench/datasets';
import { evaluateRevisited, REVISITED_PROTOCOLS, type RevisitedProtocol } from '@descbench/metrics';
import {
  augmentDatabase,
  concatStores,
  csaRerank,
  exactKnn,
  expandQueries,
  featureRows,
  rankingsPerQuery,
  readRows,
  ranksFromPerQuery,
  vectorStore,
  type CsaModel,
  type KnnEngine,
  type KnnResult,
  type VectorStore,
} from '@descbench/retrieval';
import type { LoadedFeatures } from './features-in';

/**
 * One retrieval run on revisited Oxford / Paris: exact search over the database (+ distractors),
 * optionally re-ranked, the FULL ranking (every database image per query, as revisitop evaluates
 * it) evaluated with revisitop's mAP / mP@k, and written as `.npy` int32 `[N, Q]` (revisitop's
 * `ranks` layout, db-x-queries) so that `bench eval-ranks` reproduces the numbers.
 *
 * Methods: `first` (first stage), `aqe` / `alpha-qe` (query expansion, then a second search),
 * `dba` / `alpha-dba` (augmented database, then the search), `csa` (the CSA transformer re-orders
 * the first-stage top K with L anchors; the rest of the ranking is unchanged).
 */
export const RETRIEVAL_METHODS = ['first', 'aqe', 'alpha-qe', 'dba', 'alpha-dba', 'csa'] as const;
export type RetrievalMethod = (typeof RETRIEVAL_METHODS)[number];

export interface RetrieveOptions {
  gnd: RevisitopGnd;
  features: LoadedFeatures;
  method: RetrievalMethod;
  /** Query expansion / DBA neighbours and exponent (defaults 10 and 3). */
  n?: number;
  alpha?: number;
  csa?: { model: CsaModel; k: number };
  engine?: KnnEngine;
  /** Write the ranking here (`.npy`, atomically). */
  ranksFile?: string;
  /** Names the feature file in errors. */
  featureFile?: string;
  onProgress?: (what: string, done: number, total: number) => void;
}

export interface ProtocolScores {
  /** In %. */
  map: number;
  /** mP@1, 5, 10 in %. */
  mpk: number[];
}

export interface RetrieveResult {
  scores: Record<RevisitedProtocol, ProtocolScores>;
  /** `[depth, Q]` database indices (db-x-queries). */
  ranks: Int32Array;
  depth: number;
  queries: number;
  dbSize: number;
}

function database(f: LoadedFeatures): VectorStore {
  const { db, distractors } = f;
  const own = vectorStore(db.data, db.count, db.dim);
  // the distractors' blocks are searched in place (R1M: 4.1 GB of float16 is never copied)
  return distractors === undefined ? own : concatStores(own, distractors);
}

/** CSA on the rows its rankings touch only (a compact database: R1M never has to be one float32 array twice). */
async function csaOnFirstStage(store: VectorStore, queries: Float32Array, first: KnnResult, model: CsaModel, k: number): Promise<Int32Array[]> {
  const l = model.config.anchors;
  const N = store.count;
  if (k > N || l - 1 > N) throw new InputError(`csa: K = ${k} and L = ${l} need at least ${Math.max(k, l - 1)} database images; there are ${N}`, { at: 'K' });
  const per = rankingsPerQuery(first);
  const head = Math.max(k, l - 1);
  const local = new Map<number, number>();
  for (const r of per) for (let j = 0; j < head; j++) if (!local.has(r[j]!)) local.set(r[j]!, local.size);
  const D = store.dim;
  const compact = new Float32Array(local.size * D);
  const row = new Float32Array(D);
  for (const [g, i] of local) compact.set(readRows(store, g, 1, row), i * D);
  const global = Array.from(local.keys());
  const res = await csaRerank({
    db: featureRows(compact, local.size, D, 'database'),
    queries: featureRows(queries, queries.length / D, D, 'queries'),
    rankings: per.map((r) => Int32Array.from(r.subarray(0, head), (g) => local.get(g)!)),
    model,
    k,
  });
  return per.map((r, q) => {
    const out = Int32Array.from(r);
    for (let j = 0; j < k; j++) out[j] = global[res.rankings[q]![j]!]!;
    return out;
  });
}

export async function retrieve(o: RetrieveOptions): Promise<RetrieveResult> {
  const { gnd, features } = o;
  const Q = features.queries.count;
  let store = database(features);
  const N = store.count;
  const q = features.queries.data;
  const engine = o.engine ?? 'onnx';
  const progress = (what: string) => (d: number, t: number) => o.onProgress?.(what, d, t);
  let ranks: Int32Array;
  if (o.method === 'dba' || o.method === 'alpha-dba') {
    const aug = await augmentDatabase(store, { method: o.method, ...(o.n !== undefined ? { n: o.n } : {}), ...(o.alpha !== undefined ? { alpha: o.alpha } : {}), engine, onProgress: progress('dba') });
    store = vectorStore(aug, N, store.dim);
  }
  const first = await exactKnn(store, q, { k: N, engine, onProgress: progress('search') });
  if (o.method === 'aqe' || o.method === 'alpha-qe') {
    const q2 = expandQueries(store, q, first, { method: o.method, ...(o.n !== undefined ? { n: o.n } : {}), ...(o.alpha !== undefined ? { alpha: o.alpha } : {}) });
    ranks = (await exactKnn(store, q2, { k: N, engine, onProgress: progress('search (expanded queries)') })).ranks;
  } else if (o.method === 'csa') {
    if (o.csa === undefined) throw new Error('csa re-ranking needs a model');
    ranks = ranksFromPerQuery(await csaOnFirstStage(store, q, first, o.csa.model, o.csa.k));
  } else ranks = first.ranks;
  const r = evaluateRevisited({ data: ranks, depth: N, queries: Q, layout: 'db-x-queries' }, gnd.gnd, { dbSize: N });
  const scores = {} as Record<RevisitedProtocol, ProtocolScores>;
  for (const p of REVISITED_PROTOCOLS) scores[p] = { map: 100 * r[p].mAP, mpk: r[p].mPk.map((v) => 100 * v) };
  if (o.ranksFile !== undefined) writeFileAtomicSync(o.ranksFile, encodeNpy({ data: ranks, shape: [N, Q] }));
  return { scores, ranks, depth: N, queries: Q, dbSize: N };
}
