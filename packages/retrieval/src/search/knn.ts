import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { exactSearch, MetricKind, type BatchMatches } from 'usearch';
import { InputError } from '@descbench/core';
import { readRows, type VectorStore } from './vectors';

/**
 * Exact k-nearest-neighbour search by inner product (cosine similarity of L2-normalised
 * vectors), in chunks of database rows so that any database fits (R1M: 1,001,001 x 2048 as
 * float16 is 4.1 GB plus one chunk). Ties are broken by the lower database index.
 *
 * Engines (all exact; `benchmarks/speed/knn.js` measures them against numpy: onnx 2.3x numpy's top-100 speed at R1M scale, usearch 0.5x):
 * - `onnx`: each chunk is one onnxruntime Gemm `[Q, D] x [n, D]^T` (MLAS, multi-threaded) fed the
 *   stored block itself (no copy): float16 chunks are cast to float32 inside the graph (MLAS's
 *   vectorised conversion; a JS table lookup per value took as long as the product), and the
 *   `[Q, n]` output gives each query's scores as one contiguous row; the default;
 * - `usearch`: usearch's `exactSearch` (SIMD brute force) per chunk; its candidates' scores are
 *   recomputed in float64 so that every engine returns the same numbers;
 * - `js`: plain loops, the reference the others are tested against.
 *
 * Output in revisitop's ranking layout: `ranks[r * Q + q]` is the database index at rank r
 * (0-based) for query q, i.e. a `[k, Q]` array (`db-x-queries`), with `scores` alike.
 */
export type KnnEngine = 'onnx' | 'usearch' | 'js';
export const KNN_ENGINES: readonly KnnEngine[] = ['onnx', 'usearch', 'js'];

export interface KnnOptions {
  k: number;
  engine?: KnnEngine;
  /** Database rows per chunk (default: about 64 MB of float32). */
  chunkRows?: number;
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface KnnResult {
  k: number;
  queries: number;
  /** `[k, Q]` database indices, best first (`ranks[r * Q + q]`). */
  ranks: Int32Array;
  /** `[k, Q]` inner products, alike. */
  scores: Float32Array;
}

interface Sink {
  threshold(q: number): number;
  push(q: number, s: number, i: number): void;
  /** Query q's scores of database rows start, start + 1, ... */
  offerRow(q: number, scores: Float32Array, start: number): void;
  result(): KnnResult;
}

/** Every score `[Q, N]`, sorted per query at the end (score descending, index ascending). */
class Dense implements Sink {
  readonly all: Float32Array;
  constructor(
    readonly queries: number,
    readonly n: number,
    readonly k: number,
  ) {
    this.all = new Float32Array(queries * n);
  }
  threshold(): number {
    return -Infinity;
  }
  push(q: number, s: number, i: number): void {
    this.all[q * this.n + i] = s;
  }
  offerRow(q: number, scores: Float32Array, start: number): void {
    this.all.set(scores, q * this.n + start);
  }
  result(): KnnResult {
    const { queries: Q, n, k } = this;
    // sort each query's row, keeping the first k indices [Q, k] and the sorted scores in place;
    // then one sequential pass writes the [k, Q] layout (writing it query by query touched a new
    // cache line per value: most of the full ranking's time at R1M)
    const order = new Int32Array(Q * k);
    const sorter = new RadixArgsort(n);
    const tmp = new Float32Array(k);
    for (let q = 0; q < Q; q++) {
      const row = this.all.subarray(q * n, (q + 1) * n);
      const idx = sorter.descending(row);
      order.set(idx.subarray(0, k), q * k);
      for (let r = 0; r < k; r++) tmp[r] = row[idx[r]!]!;
      row.set(tmp);
    }
    const ranks = new Int32Array(k * Q);
    const scores = new Float32Array(k * Q);
    for (let r = 0; r < k; r++) {
      for (let q = 0; q < Q; q++) {
        ranks[r * Q + q] = order[q * k + r]!;
        scores[r * Q + q] = this.all[q * n + r]!;
      }
    }
    return { k, queries: Q, ranks, scores };
  }
}

/**
 * Indices of a float32 array by descending value, ties by ascending index: a stable LSD radix sort
 * (two 16-bit passes) of the order-preserving uint32 image of each float, complemented. O(n).
 */
export class RadixArgsort {
  private readonly keys: Uint32Array;
  private readonly keys2: Uint32Array;
  private readonly idx: Int32Array;
  private readonly idx2: Int32Array;
  private readonly count = new Uint32Array(65536);
  constructor(readonly n: number) {
    this.keys = new Uint32Array(n);
    this.keys2 = new Uint32Array(n);
    this.idx = new Int32Array(n);
    this.idx2 = new Int32Array(n);
  }
  descending(values: Float32Array): Int32Array {
    const n = this.n;
    const bits = new Uint32Array(values.buffer, values.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const b = bits[i]!;
      // ascending uint32 image of the float (negatives reversed), then complemented for descending
      const up = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      this.keys[i] = ~up >>> 0;
      this.idx[i] = i;
    }
    this.pass(this.keys, this.idx, this.keys2, this.idx2, 0);
    this.pass(this.keys2, this.idx2, this.keys, this.idx, 16);
    return this.idx;
  }
  private pass(k: Uint32Array, ix: Int32Array, ko: Uint32Array, ixo: Int32Array, shift: number): void {
    const c = this.count;
    c.fill(0);
    const n = this.n;
    for (let i = 0; i < n; i++) c[(k[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const t = c[b]!;
      c[b] = sum;
      sum += t;
    }
    for (let i = 0; i < n; i++) {
      const d = c[(k[i]! >>> shift) & 0xffff]!++;
      ko[d] = k[i]!;
      ixo[d] = ix[i]!;
    }
  }
}

/** Per-query bounded min-heaps of (score, index): the root is the worst kept candidate. */
class TopK implements Sink {
  readonly score: Float64Array;
  readonly index: Int32Array;
  readonly size: Int32Array;
  constructor(
    readonly queries: number,
    readonly k: number,
  ) {
    this.score = new Float64Array(queries * k);
    this.index = new Int32Array(queries * k);
    this.size = new Int32Array(queries);
  }
  /** a worse than b: lower score, or equal score and higher index. */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }
  /** The score a candidate must reach (>=) to enter query q's list. */
  threshold(q: number): number {
    return this.size[q]! < this.k ? -Infinity : this.score[q * this.k]!;
  }
  offerRow(q: number, scores: Float32Array, start: number): void {
    let thr = this.threshold(q);
    for (let i = 0; i < scores.length; i++) {
      const v = scores[i]!;
      if (v < thr) continue;
      this.push(q, v, start + i);
      thr = this.threshold(q);
    }
  }
  push(q: number, s: number, i: number): void {
    const k = this.k;
    const base = q * k;
    const sc = this.score;
    const ix = this.index;
    let n = this.size[q]!;
    if (n < k) {
      // sift up
      let c = n++;
      this.size[q] = n;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!this.worse(s, i, sc[base + p]!, ix[base + p]!)) break;
        sc[base + c] = sc[base + p]!;
        ix[base + c] = ix[base + p]!;
        c = p;
      }
      sc[base + c] = s;
      ix[base + c] = i;
      return;
    }
    if (!this.worse(sc[base]!, ix[base]!, s, i)) return;
    // replace the root and sift down
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= k) break;
      const r = l + 1;
      const w = r < k && this.worse(sc[base + r]!, ix[base + r]!, sc[base + l]!, ix[base + l]!) ? r : l;
      if (!this.worse(sc[base + w]!, ix[base + w]!, s, i)) break;
      sc[base + c] = sc[base + w]!;
      ix[base + c] = ix[base + w]!;
      c = w;
    }
    sc[base + c] = s;
    ix[base + c] = i;
  }
  /** Sorted best first, in the `[k, Q]` layout. */
  result(): KnnResult {
    const { queries: Q, k } = this;
    const ranks = new Int32Array(k * Q);
    const scores = new Float32Array(k * Q);
    for (let q = 0; q < Q; q++) {
      const order = Array.from({ length: k }, (_, j) => q * k + j).sort((a, b) => this.score[b]! - this.score[a]! || this.index[a]! - this.index[b]!);
      order.forEach((j, r) => {
        ranks[r * Q + q] = this.index[j]!;
        scores[r * Q + q] = this.score[j]!;
      });
    }
    return { k, queries: Q, ranks, scores };
  }
}

/** scores `[Q, n]` = queries `[Q, D]` x db `[n, D]`^T; a float16 database is cast to float32 in the graph. */
function scoresModel(dim: number, dtype: 'float32' | 'float16'): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const vi = (name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
  const half = dtype === 'float16';
  const node: onnx.INodeProto[] = [
    ...(half ? [{ opType: 'Cast', input: ['db'], output: ['db32'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: F }] }] : []),
    { opType: 'Gemm', input: ['queries', half ? 'db32' : 'db'], output: ['scores'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
  ];
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'inner_products',
      node,
      input: [vi('queries', F, ['q', dim]), vi('db', half ? onnx.TensorProto.DataType.FLOAT16 : F, ['n', dim])],
      output: [vi('scores', F, ['q', 'n'])],
    },
  }).finish();
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[ao + k]! * b[bo + k]!;
  return s;
}

/** Exact top-k of every query (rows of `queries`, `[Q, D]` float32) in `db`; see the module description. */
export async function exactKnn(db: VectorStore, queries: Float32Array, o: KnnOptions): Promise<KnnResult> {
  const D = db.dim;
  const N = db.count;
  const k = o.k;
  if (queries.length % D !== 0) throw new InputError(`queries: ${queries.length} numbers are not rows of ${D}`);
  const Q = queries.length / D;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be a positive integer, got ${k}`, { at: 'k' });
  if (k > N) throw new InputError(`k = ${k} is larger than the database (${N} vectors)`, { at: 'k' });
  const engine = o.engine ?? 'onnx';
  if (!KNN_ENGINES.includes(engine)) throw new InputError(`unknown kNN engine ${JSON.stringify(engine)}; expected ${KNN_ENGINES.join(', ')}`);
  const chunk = Math.max(1, Math.min(N, o.chunkRows ?? Math.floor((16 << 20) / D)));
  // a deep ranking (k a large part of the database, e.g. the full ranking revisitop evaluates)
  // keeps every score and sorts once; a short one keeps bounded heaps
  const top: Sink = k * 4 > N ? new Dense(Q, N, k) : new TopK(Q, k);
  if (engine === 'onnx') await searchOnnx(db, queries, Q, chunk, top, o);
  else {
    const buf = new Float32Array(chunk * D);
    for (let start = 0; start < N; start += chunk) {
      const n = Math.min(chunk, N - start);
      const rows = readRows(db, start, n, n === chunk ? buf : new Float32Array(n * D));
      if (engine === 'usearch') {
        const kk = Math.min(k, n);
        const m = exactSearch(rows, queries, D, kk, MetricKind.IP, o.threads ?? 0) as BatchMatches;
        for (let q = 0; q < Q; q++) {
          const c = Number(m.counts[q]);
          for (let j = 0; j < c; j++) {
            const i = Number(m.keys[q * kk + j]);
            top.push(q, Math.fround(dot(rows, i * D, queries, q * D, D)), start + i);
          }
        }
      } else {
        for (let q = 0; q < Q; q++) for (let i = 0; i < n; i++) top.push(q, Math.fround(dot(rows, i * D, queries, q * D, D)), start + i);
      }
      o.onProgress?.(start + n, N);
    }
  }
  return top.result();
}

/** The onnx engine: chunks of at most `chunk` rows taken from each block in place (never across blocks). */
async function searchOnnx(db: VectorStore, queries: Float32Array, Q: number, chunk: number, top: Sink, o: KnnOptions): Promise<void> {
  const D = db.dim;
  const sessions = new Map<'float32' | 'float16', ort.InferenceSession>();
  const qs = new ort.Tensor('float32', queries, [Q, D]);
  try {
    let start = 0;
    for (const block of db.blocks) {
      const dtype = block instanceof Uint16Array ? 'float16' : 'float32';
      let session = sessions.get(dtype);
      if (session === undefined) {
        session = await ort.InferenceSession.create(scoresModel(D, dtype), { executionProviders: ['cpu'], ...(o.threads !== undefined ? { intraOpNumThreads: o.threads } : {}) });
        sessions.set(dtype, session);
      }
      const rows = block.length / D;
      for (let r = 0; r < rows; r += chunk) {
        const n = Math.min(chunk, rows - r);
        const out = await session.run({ queries: qs, db: new ort.Tensor(dtype, block.subarray(r * D, (r + n) * D), [n, D]) });
        const s = out.scores!.data as Float32Array;
        for (let q = 0; q < Q; q++) top.offerRow(q, s.subarray(q * n, (q + 1) * n), start + r);
        out.scores!.dispose();
        o.onProgress?.(start + r + n, db.count);
      }
      start += rows;
    }
  } finally {
    for (const s of sessions.values()) await s.release();
  }
}

/** Rankings of a `[k, Q]` result as one Int32Array per query (what the re-rankers take). */
export function rankingsPerQuery(r: KnnResult): Int32Array[] {
  return Array.from({ length: r.queries }, (_, q) => Int32Array.from({ length: r.k }, (_, j) => r.ranks[j * r.queries + q]!));
}

/** Per-query rankings (equal length) back to the `[k, Q]` layout. */
export function ranksFromPerQuery(rankings: readonly ArrayLike<number>[]): Int32Array {
  const Q = rankings.length;
  const k = Q === 0 ? 0 : rankings[0]!.length;
  const out = new Int32Array(k * Q);
  rankings.forEach((r, q) => {
    if (r.length !== k) throw new RangeError(`ranking ${q} has ${r.length} entries, the first has ${k}`);
    for (let j = 0; j < k; j++) out[j * Q + q] = r[j]!;
  });
  return out;
}
