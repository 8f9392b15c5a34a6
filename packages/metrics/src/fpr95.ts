import { InputError } from '@descbench/core';
import { kthSmallestInPlace } from './select';
import { countPositiveLabels } from './binary-labels';
import { assertFinite, assertSameLength, type NumericArray } from './validate';

/**
 * The two FPR@95 conventions found in the reference code (PROTOCOLS.md, "FPR@95 (UBC)").
 *
 * - `hardnet` (DagnyT/hardnet `EvalMetrics.ErrorRateAt95Recall`): sort pairs by distance
 *   ascending; the threshold index is the first index where the running count of positives
 *   reaches `0.95 * P`; FPR = negatives ranked strictly before that index / all negatives.
 *   The reference sorts with an unstable sort, so a negative whose distance equals the
 *   threshold positive's lands on either side. descbench breaks such ties by a named rule:
 *   - `negatives-first` (default): a negative tied with the threshold positive is ranked
 *     before it and counts as a false positive, i.e. FP = #(negative d <= t) where t is the
 *     `ceil(0.95 P)`-th smallest positive distance. Pessimistic: a constant descriptor
 *     (all distances equal) scores FPR = 1, never 0.
 *   - `positives-first`: tied negatives are ranked after it, FP = #(negative d < t).
 *   Ties among positives, or among negatives, never change the value.
 * - `hynet` (yuruntian/HyNet `utils.cal_fpr95`): t = sorted positive distances at 0-based index
 *   `ceil(0.95 P)`; FPR = #(negative d <= t) / #negatives (ties count as false positives).
 *   That index exists only when P >= 20; with fewer positives the reference indexes past the
 *   end, so descbench refuses (InputError).
 *
 * Both are computed in linear time (a selection of the threshold positive, no sort).
 */
export const FPR95_CONVENTIONS = ['hardnet', 'hynet'] as const;
export type Fpr95Convention = (typeof FPR95_CONVENTIONS)[number];

export const HARDNET_TIE_RULES = ['negatives-first', 'positives-first'] as const;
export type HardnetTieRule = (typeof HARDNET_TIE_RULES)[number];

export interface Fpr95Options {
  /** Default `hardnet`. */
  convention?: Fpr95Convention;
  /** Only for `hardnet`; default `negatives-first`. */
  ties?: HardnetTieRule;
  /** Recall level; default 0.95. */
  recall?: number;
}

export interface Fpr95Result {
  fpr: number;
  /** The distance threshold t (see {@link FPR95_CONVENTIONS}). */
  threshold: number;
  falsePositives: number;
  positives: number;
  negatives: number;
  convention: Fpr95Convention;
  ties?: HardnetTieRule;
}

export function parseFpr95Convention(s: string): Fpr95Convention {
  if ((FPR95_CONVENTIONS as readonly string[]).includes(s)) return s as Fpr95Convention;
  throw new InputError(`unknown FPR@95 convention "${s}"; expected one of ${FPR95_CONVENTIONS.join(', ')}`, { at: '--convention' });
}

/**
 * False positive rate at 95% recall of pair distances.
 *
 * @param distances `[N]` pair distances, smaller = more similar; must be finite.
 * @param labels `[N]` 1 for a matching pair, 0 (or -1) otherwise; other values are refused.
 * @returns the rate in [0, 1] with the threshold and counts.
 * @throws InputError on NaN/infinite distances, no positives or no negatives, and under
 *   `hynet` when fewer than 20 positives leave `ceil(0.95 P)` past the last positive.
 */
export function fpr95(distances: NumericArray, labels: NumericArray, o: Fpr95Options = {}): Fpr95Result {
  const convention = o.convention ?? 'hardnet';
  const recall = o.recall ?? 0.95;
  assertSameLength(distances, labels, 'distances and labels');
  const n = distances.length;
  const nPos = countPositiveLabels(labels); // 1 positive, 0 or -1 negative; anything else refused
  const nNeg = n - nPos;
  if (nPos === 0) throw new InputError('FPR@95 needs at least one positive pair; none given');
  if (nNeg === 0) throw new InputError('FPR@95 needs at least one negative pair; none given');

  let k: number; // 0-based index into the sorted positive distances
  if (convention === 'hardnet') {
    // first index where cumsum(labels) >= recall * P  <=>  the ceil(recall*P)-th positive (1-based)
    k = Math.max(Math.ceil(recall * nPos), 1) - 1;
  } else if (convention === 'hynet') {
    k = Math.ceil(nPos * recall);
    if (k >= nPos) {
      throw new InputError(
        `the hynet FPR@95 convention needs at least 20 positives (it reads the sorted positive distance at index ceil(0.95*P) = ${k}, but there are only ${nPos} positives)`,
      );
    }
  } else {
    throw new InputError(`unknown FPR@95 convention "${String(convention)}"`);
  }
  const strict = convention === 'hardnet' && (o.ties ?? 'negatives-first') === 'positives-first';
  const { t, fp } = bracketedThreshold(distances, labels, nPos, k, strict) ?? exactThreshold(distances, labels, nPos, k, strict);
  const r: Fpr95Result = { fpr: fp / nNeg, threshold: t, falsePositives: fp, positives: nPos, negatives: nNeg, convention };
  if (convention === 'hardnet') r.ties = o.ties ?? 'negatives-first';
  return r;
}

const scratchBuffers: Float64Array[] = [];

/**
 * A reusable float64 work buffer of at least `size` (its first `size` entries are returned).
 * Reuse avoids allocating off-heap memory on every call, which costs more than the work when the
 * process holds large typed arrays (external-memory pressure triggers garbage collections).
 */
function scratch(slot: number, size: number): Float64Array {
  let b = scratchBuffers[slot];
  if (b === undefined || b.length < size) {
    b = new Float64Array(Math.max(size, 1024));
    scratchBuffers[slot] = b;
  }
  return b.subarray(0, size);
}

/**
 * t = k-th smallest positive distance (0-based) and FP = #(negative d <= t), or < t when strict,
 * by gathering the positives, selecting, and counting: three linear passes. Validates distances.
 */
function exactThreshold(distances: NumericArray, labels: NumericArray, nPos: number, k: number, strict: boolean): { t: number; fp: number } {
  const n = distances.length;
  const buf = scratch(3, n);
  let j = 0;
  let poison = 0; // becomes NaN if any distance is NaN or infinite
  for (let i = 0; i < n; i++) {
    const d = distances[i] as number;
    const l = labels[i] as number;
    poison += d * 0;
    buf[j] = d; // branch-free compaction
    j += (l + 1) >>> 1; // 1 for a positive (label 1), 0 for 0 / -1
  }
  if (poison !== 0) assertFinite(distances, 'distance');
  const t = kthSmallestInPlace(buf.subarray(0, nPos), k);
  return { t, fp: countNegatives(distances, labels, t, strict) };
}

/**
 * The same as {@link exactThreshold} in one pass over the data, when it can be: a sorted stride
 * sample of the positives gives two pivots around the k-th; one pass validates, counts positives
 * and negatives below the lower pivot and keeps the few values between the pivots; t is selected
 * among the kept positives, FP = negatives below the lower pivot + kept negatives <= t (t lies
 * between the pivots, so nothing above the upper one can count). Returns undefined (use the exact
 * path) for small inputs, when the pivots miss the k-th positive, or when too many values tie
 * between them.
 */
function bracketedThreshold(
  distances: NumericArray,
  labels: NumericArray,
  nPos: number,
  k: number,
  strict: boolean,
): { t: number; fp: number } | undefined {
  const n = distances.length;
  if (n < 8192 || nPos < 2048) return undefined;
  const m = 2048;
  const sample = scratch(0, m);
  let s = 0;
  for (let j = 0; j < m; j++) {
    const i = Math.floor((j * n) / m);
    if ((labels[i] as number) === 1) sample[s++] = distances[i] as number;
  }
  if (s < 256) return undefined;
  const sorted = sample.subarray(0, s).sort();
  const q = (k / nPos) * s;
  const delta = 1.2 * Math.sqrt(s); // the k-th sample position has a standard deviation below sqrt(s)/4
  const lowV = sorted[Math.max(0, Math.floor(q - delta))] as number;
  const highV = sorted[Math.min(s - 1, Math.ceil(q + delta))] as number;
  if (!(lowV <= highV)) return undefined; // NaN in the sample: let the exact path report it
  const cap = n >>> 2;
  const keepPos = scratch(1, cap);
  const keepNeg = scratch(2, cap);
  let mp = 0;
  let mn = 0;
  let belowPos = 0;
  let belowNeg = 0;
  let poison = 0;
  for (let i = 0; i < n; i++) {
    const d = distances[i] as number;
    const l = labels[i] as number;
    poison += d * 0;
    const isPos = (l + 1) >>> 1;
    const below = d < lowV ? 1 : 0;
    belowPos += below & isPos;
    belowNeg += below & (isPos ^ 1);
    if (d >= lowV && d <= highV) {
      if (isPos !== 0) {
        if (mp === cap) return undefined; // too many values between the pivots
        keepPos[mp++] = d;
      } else {
        if (mn === cap) return undefined;
        keepNeg[mn++] = d;
      }
    }
  }
  if (poison !== 0) assertFinite(distances, 'distance');
  if (!(k >= belowPos && k < belowPos + mp)) return undefined;
  const t = kthSmallestInPlace(keepPos.subarray(0, mp), k - belowPos);
  let fp = belowNeg;
  if (strict) for (let i = 0; i < mn; i++) fp += (keepNeg[i] as number) < t ? 1 : 0;
  else for (let i = 0; i < mn; i++) fp += (keepNeg[i] as number) <= t ? 1 : 0;
  return { t, fp };
}

function countNegatives(dist: NumericArray, labels: NumericArray, t: number, strict: boolean): number {
  let fp = 0;
  const n = dist.length;
  for (let i = 0; i < n; i++) {
    const l = labels[i] as number;
    const d = dist[i] as number;
    // negative (label 0 or -1) and below the threshold (or at it, unless strict)
    fp += (((l + 1) >>> 1) ^ 1) & ((strict ? d < t : d <= t) ? 1 : 0);
  }
  return fp;
}
