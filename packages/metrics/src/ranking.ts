import { InputError } from '@descbench/core';

/**
 * A retrieval result: for each query, database indices (0-based) from best to worst match.
 * Shape `[depth, queries]` in `db-x-queries` layout (revisitop's `ranks`, C order: element
 * (r, q) at `r * queries + q`), or `[queries, depth]` in `queries-x-db` layout (element (r, q) at
 * `q * depth + r`). `depth` may be smaller than the database (a truncated ranking).
 */
export const RANKING_LAYOUTS = ['db-x-queries', 'queries-x-db'] as const;
export type RankingLayout = (typeof RANKING_LAYOUTS)[number];

export interface Ranking {
  data: ArrayLike<number>;
  depth: number;
  queries: number;
  layout: RankingLayout;
}

export function parseRankingLayout(s: string): RankingLayout {
  if ((RANKING_LAYOUTS as readonly string[]).includes(s)) return s as RankingLayout;
  throw new InputError(`unknown ranking layout "${s}"; expected one of ${RANKING_LAYOUTS.join(', ')}`, { at: '--layout' });
}

/** Item of interest for one query: a database index and a bit mask of the sets it belongs to. */
export interface TaggedItems {
  /** `[K]` database indices. */
  items: ArrayLike<number>;
  /** `[K]` bit masks (non-zero). */
  masks: ArrayLike<number>;
}

/** Positions (0-based, increasing) at which a query's tagged items occur in its ranking. */
export interface TaggedPositions {
  positions: Int32Array;
  masks: Uint8Array;
}

export interface LocateOptions {
  /** Database size: every ranked index must lie in [0, dbSize). */
  dbSize: number;
  /** Refuse an index ranked twice for one query (default true). */
  checkDuplicates?: boolean;
  /** Names the source in errors. */
  file?: string;
}

/**
 * One pass over a ranking that finds where each query's tagged items sit, query by query.
 * Cost O(depth * queries) with a 1-bit-per-image filter (fits in cache for 1M images), no sort:
 * only the few tagged positions are collected. Validates every ranked index (integer, in range,
 * not repeated within a query) and throws `InputError` naming the query and rank otherwise.
 */
export function locateTagged(ranking: Ranking, tagged: readonly TaggedItems[], o: LocateOptions): TaggedPositions[] {
  const { depth, queries, layout } = ranking;
  const dbSize = o.dbSize;
  const checkDup = o.checkDuplicates ?? true;
  if (tagged.length !== queries) {
    throw new InputError(`the ranking has ${queries} queries but the ground truth has ${tagged.length}`, { file: o.file });
  }
  if (ranking.data.length !== depth * queries) {
    throw new InputError(`ranking data has ${ranking.data.length} entries, expected ${depth} x ${queries}`, { file: o.file });
  }
  if (depth > dbSize) {
    throw new InputError(`the ranking has ${depth} entries per query but the database has only ${dbSize} images`, { file: o.file });
  }
  const data = toInt32(ranking.data, o.file);
  const words = (dbSize + 31) >>> 5;
  // global filter of tagged images, then image -> (query, mask) entries in CSR form
  const filter = new Uint32Array(words);
  const byItem = new Map<number, number[]>();
  for (let q = 0; q < queries; q++) {
    const t = tagged[q] as TaggedItems;
    for (let i = 0; i < t.items.length; i++) {
      const item = t.items[i] as number;
      if (!Number.isInteger(item) || item < 0 || item >= dbSize) {
        throw new InputError(`ground-truth index ${item} is outside [0, ${dbSize})`, { file: o.file, at: `query ${q}` });
      }
      filter[item >>> 5] = (filter[item >>> 5] as number) | (1 << (item & 31));
      let list = byItem.get(item);
      if (list === undefined) byItem.set(item, (list = []));
      list.push(q, (t.masks[i] as number) & 0xff);
    }
  }
  const cap = tagged.map((t) => t.items.length);
  const outPos = cap.map((c) => new Int32Array(c));
  const outMask = cap.map((c) => new Uint8Array(c));
  const fill = new Int32Array(queries);
  const hit = (q: number, r: number, item: number): void => {
    const list = byItem.get(item) as number[];
    let mask = 0;
    for (let i = 0; i < list.length; i += 2) if (list[i] === q) mask |= list[i + 1] as number;
    if (mask === 0) return;
    const f = fill[q] as number;
    if (f >= (cap[q] as number)) {
      throw new InputError(`image ${item} is ranked more than once`, { file: o.file, at: `query ${q}, rank ${r}` });
    }
    (outPos[q] as Int32Array)[f] = r;
    (outMask[q] as Uint8Array)[f] = mask;
    fill[q] = f + 1;
  };
  const bad = (q: number, r: number, v: number): never => {
    throw new InputError(`ranked index ${v} is outside [0, ${dbSize})`, { file: o.file, at: `query ${q}, rank ${r}` });
  };
  const dup = (q: number, r: number, v: number): never => {
    throw new InputError(`image ${v} is ranked more than once`, { file: o.file, at: `query ${q}, rank ${r}` });
  };
  const checkColumn = (col: Int32Array, q: number, seen: Uint32Array | undefined): void => {
    if (seen !== undefined) seen.fill(0);
    for (let r = 0; r < col.length; r++) {
      const v = col[r] as number;
      if (v < 0 || v >= dbSize) bad(q, r, v);
      const w = v >>> 5;
      const b = 1 << (v & 31);
      if (seen !== undefined) {
        const s = seen[w] as number;
        if ((s & b) !== 0) dup(q, r, v);
        seen[w] = s | b;
      }
      if (((filter[w] as number) & b) !== 0) hit(q, r, v);
    }
  };
  const seen = checkDup ? new Uint32Array(words) : undefined;
  if (layout === 'queries-x-db') {
    for (let q = 0; q < queries; q++) checkColumn(data.subarray(q * depth, (q + 1) * depth), q, seen);
  } else if (layout === 'db-x-queries') {
    // Copy groups of query columns into contiguous rows first (one strided pass per group), so
    // that each query is then scanned sequentially with one cache-resident bitset: checking
    // duplicates in memory order would touch `queries` bitsets at random.
    const group = Math.max(1, Math.min(queries, 16));
    const buf = new Int32Array(group * depth);
    for (let g0 = 0; g0 < queries; g0 += group) {
      const g = Math.min(group, queries - g0);
      for (let r = 0; r < depth; r++) {
        const base = r * queries + g0;
        for (let j = 0; j < g; j++) buf[j * depth + r] = data[base + j] as number;
      }
      for (let j = 0; j < g; j++) checkColumn(buf.subarray(j * depth, (j + 1) * depth), g0 + j, seen);
    }
  } else {
    throw new InputError(`unknown ranking layout "${String(layout)}"`);
  }
  return outPos.map((p, q) => ({
    positions: p.subarray(0, fill[q] as number),
    masks: (outMask[q] as Uint8Array).subarray(0, fill[q] as number),
  }));
}

function toInt32(a: ArrayLike<number>, file?: string): Int32Array {
  if (a instanceof Int32Array) return a;
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new InputError(`ranked index ${v} at entry ${i} is not an integer index`, { file });
    }
    out[i] = v;
  }
  return out;
}
