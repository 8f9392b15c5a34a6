import { InputError } from '@descbench/core';
import type { ApConvention } from './average-precision';
import { rowDistance, type DescriptorDistance } from './descriptors';
import { checkRow, getSequence, HPATCHES_NOISE, type HPatchesDescriptors, type HPatchesImage, type HPatchesNoise } from './hpatches-types';

/** A patch named in `retr_queries_split-*.csv` / `retr_distractors_split-*.csv`: (sequence, ref patch index). */
export interface PatchRef {
  s: string;
  idx: number;
}

/** The pool sizes of the python benchmark. */
export const HPATCHES_RETRIEVAL_POOLS: readonly number[] = [100, 500, 1000, 5000, 10000, 15000, 20000];

/** `ap[noise][poolIndex][query]`. */
export type RetrievalResult = Record<HPatchesNoise, Float64Array[]>;

const SMALL = 1e-10;

/**
 * AP from the 0-based positions (sorted, distinct) of the positives in a ranked list of which
 * `p` entries are positive, for both conventions, equal to {@link precisionRecall} on the full
 * list: `python` sums the trapezoids at the steps where recall rises (the others have zero width),
 * `matlab` averages the precision at those steps.
 */
export function apFromPositiveRanks(ranks: ArrayLike<number>, p: number, convention: ApConvention = 'python'): number {
  let s = 0;
  if (convention === 'python') {
    const pd = Math.max(p, SMALL);
    for (let j = 0; j < ranks.length; j++) {
      const r = ranks[j] as number;
      const p0 = Math.max(j, SMALL) / Math.max(r, SMALL);
      const p1 = (j + 1) / (r + 1);
      s += ((j + 1) / pd - j / pd) * (p1 + p0) / 2;
    }
    return s;
  }
  for (let j = 0; j < ranks.length; j++) s += (j + 1) / ((ranks[j] as number) + 1);
  return s / p;
}

/**
 * HPatches patch retrieval (hpatches-benchmark `tasks.eval_retrieval`). For each query patch (a
 * `ref` patch) and noise level: the list is its 5 counterparts (images `<noise>1..5`, same
 * index) followed by the distractors not from the query's sequence, in file order; query and
 * distractor descriptors are rounded to float32 as the reference does. For each pool size k the
 * AP of the first k entries of that list (not of the k nearest) is computed, ranking by distance
 * with a stable sort (a positive ties before a distractor). Only the ranks of the 5 positives
 * are needed, so the list is never sorted: each positive's rank is counted.
 */
export function hpatchesRetrieval(
  descr: HPatchesDescriptors,
  queries: readonly PatchRef[],
  distractors: readonly PatchRef[],
  o: { distance?: DescriptorDistance; pools?: readonly number[]; apConvention?: ApConvention } = {},
): RetrievalResult {
  const distance = o.distance ?? 'L2';
  const pools = o.pools ?? HPATCHES_RETRIEVAL_POOLS;
  const conv = o.apConvention ?? 'python';
  for (const k of pools) if (!Number.isInteger(k) || k < 1) throw new InputError(`pool size ${k} is not a positive integer`);
  for (const d of distractors) checkRow(getSequence(descr, d.s).ref, d.idx, d.s, 'ref');
  const out = {} as RetrievalResult;
  for (const t of HPATCHES_NOISE) out[t] = pools.map(() => new Float64Array(queries.length));
  const maxPool = Math.max(...pools);
  const dNeg = new Float64Array(distractors.length);
  const cnt = new Int32Array(5);
  const pd = new Float64Array(5);
  const ranks = new Float64Array(5);
  for (let qi = 0; qi < queries.length; qi++) {
    const q = queries[qi] as PatchRef;
    const seq = getSequence(descr, q.s);
    checkRow(seq.ref, q.idx, q.s, 'ref');
    // distances to the distractors of other sequences, in file order (the same for e/h/t)
    let nNeg = 0;
    for (const d of distractors) {
      if (nNeg + 5 >= maxPool) break;
      if (d.s === q.s) continue;
      dNeg[nNeg++] = rowDistance(seq.ref, q.idx, getSequence(descr, d.s).ref, d.idx, distance, true, true);
    }
    for (const t of HPATCHES_NOISE) {
      for (let i = 0; i < 5; i++) {
        const img = seq[`${t}${i + 1}` as HPatchesImage];
        checkRow(img, q.idx, q.s, `${t}${i + 1}`);
        pd[i] = rowDistance(seq.ref, q.idx, img, q.idx, distance, true, false);
      }
      const sortedPools = pools.map((k, i) => ({ k, i })).sort((a, b) => a.k - b.k);
      cnt.fill(0);
      let scanned = 0;
      for (const { k, i: poolIndex } of sortedPools) {
        const nPos = Math.min(5, k);
        const negLimit = Math.min(Math.max(k - 5, 0), nNeg);
        for (; scanned < negLimit; scanned++) {
          const dn = dNeg[scanned] as number;
          for (let j = 0; j < 5; j++) if (dn < (pd[j] as number)) cnt[j] = (cnt[j] as number) + 1;
        }
        // rank of positive j among the first nPos positives and the first negLimit negatives
        for (let j = 0; j < nPos; j++) {
          let before = 0;
          const dj = pd[j] as number;
          for (let i = 0; i < nPos; i++) if ((pd[i] as number) < dj || ((pd[i] as number) === dj && i < j)) before++;
          ranks[j] = before + (cnt[j] as number);
        }
        const r = Array.from(ranks.subarray(0, nPos)).sort((a, b) => a - b);
        ((out[t] as Float64Array[])[poolIndex] as Float64Array)[qi] = apFromPositiveRanks(r, nPos, conv);
      }
    }
  }
  return out;
}
