import { InputError } from '@descbench/core';
import tCdf from '@stdlib/stats-base-dists-t-cdf';

/**
 * Statistics over repeated runs (seeds): mean, standard deviation under a named convention,
 * Welch's unequal-variance t-test, and the `1.22 ± 0.04` formatting the papers use.
 * The Student t CDF is `@stdlib/stats-base-dists-t-cdf`.
 */
export const STD_CONVENTIONS = ['sample', 'population'] as const;
/** `sample`: divide by n - 1 (numpy `ddof=1`, MATLAB `std`); `population`: divide by n (numpy default). */
export type StdConvention = (typeof STD_CONVENTIONS)[number];

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new InputError('mean of an empty list');
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Standard deviation (two-pass). `sample` needs at least two values. */
export function std(values: ArrayLike<number>, convention: StdConvention = 'sample'): number {
  return Math.sqrt(variance(values, convention));
}

export function variance(values: ArrayLike<number>, convention: StdConvention = 'sample'): number {
  const n = values.length;
  const ddof = convention === 'sample' ? 1 : convention === 'population' ? 0 : NaN;
  if (Number.isNaN(ddof)) throw new InputError(`unknown std convention "${String(convention)}"; expected sample or population`);
  if (n - ddof <= 0) throw new InputError(`${convention} variance needs at least ${ddof + 1} value(s), got ${n}`);
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - m;
    s += d * d;
  }
  return s / (n - ddof);
}

export interface WelchResult {
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * Welch's t-test of equal means without assuming equal variances (as scipy
 * `ttest_ind(a, b, equal_var=False)`), two-sided. Each sample needs at least two values; when
 * both variances are zero the statistic is undefined and t, df, p are NaN (as scipy).
 */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): WelchResult {
  if (a.length < 2 || b.length < 2) throw new InputError(`Welch's t-test needs at least two values per sample (got ${a.length} and ${b.length})`);
  const va = variance(a, 'sample') / a.length;
  const vb = variance(b, 'sample') / b.length;
  const se2 = va + vb;
  const t = (mean(a) - mean(b)) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  if (!Number.isFinite(t) || !Number.isFinite(df)) return { t: NaN, df: NaN, p: NaN };
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { t, df, p };
}

export interface FormatOptions {
  /** Digits after the decimal point (default 2). */
  digits?: number;
  /** Default `sample`. */
  std?: StdConvention;
  /** Multiply values first, e.g. 100 for percentages (default 1). */
  scale?: number;
}

/** `mean ± std` with fixed digits, e.g. `1.22 ± 0.04`; a single value prints without `±`. */
export function formatMeanStd(values: ArrayLike<number>, o: FormatOptions = {}): string {
  const digits = o.digits ?? 2;
  const scale = o.scale ?? 1;
  const v = Array.from(values, (x) => x * scale);
  const m = mean(v);
  if (v.length === 1) return m.toFixed(digits);
  return `${m.toFixed(digits)} ± ${std(v, o.std ?? 'sample').toFixed(digits)}`;
}
