/**
 * The k-th smallest value (0-based) of `values`, found in expected linear time by an
 * introselect-style quickselect on a private copy (the input is not modified).
 * Used where a metric needs one order statistic, not a full sort.
 */
export function kthSmallest(values: ArrayLike<number>, k: number): number {
  const n = values.length;
  if (!(k >= 0 && k < n && Number.isInteger(k))) throw new RangeError(`k = ${k} is outside [0, ${n})`);
  const a = Float64Array.from(values);
  return selectInPlace(a, k);
}

/** Quickselect on `a` in place (median-of-three pivot, Hoare partition); returns a[k] after partial ordering. */
export function selectInPlace(a: Float64Array | Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      // insertion sort of the small remaining window
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i] as number;
        let j = i - 1;
        while (j >= lo && (a[j] as number) > v) {
          a[j + 1] = a[j] as number;
          j--;
        }
        a[j + 1] = v;
      }
      break;
    }
    const mid = (lo + hi) >>> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/**
 * The k-th smallest value (0-based) of `a`, reordering `a`. For large arrays, a sorted stride
 * sample brackets the answer between two pivots; one pass counts the values below the lower
 * pivot and keeps the few between the pivots, which are then selected exactly. Falls back to
 * quickselect on the whole array when the bracket misses (never for a correct count).
 */
export function kthSmallestInPlace(a: Float64Array | Float32Array, k: number): number {
  const n = a.length;
  if (!(k >= 0 && k < n && Number.isInteger(k))) throw new RangeError(`k = ${k} is outside [0, ${n})`);
  if (n < 4096) return selectInPlace(a, k);
  const m = 1024;
  const sample = new Float64Array(m);
  for (let i = 0; i < m; i++) sample[i] = a[Math.floor((i * n) / m)] as number;
  sample.sort();
  const q = (k * m) / n;
  const delta = 1.5 * Math.sqrt(m); // ~5% of the values fall between the pivots
  const lowV = sample[Math.max(0, Math.floor(q - delta))] as number;
  const highV = sample[Math.min(m - 1, Math.ceil(q + delta))] as number;
  let below = 0;
  let mid = 0;
  const cap = n >>> 3;
  const keep = new Float64Array(cap);
  for (let i = 0; i < n; i++) {
    const v = a[i] as number;
    below += v < lowV ? 1 : 0;
    if (v >= lowV && v <= highV) {
      if (mid === cap) return selectInPlace(a, k); // many ties between the pivots
      keep[mid++] = v;
    }
  }
  if (k >= below && k < below + mid) return selectInPlace(keep.subarray(0, mid), k - below);
  return selectInPlace(a, k);
}
