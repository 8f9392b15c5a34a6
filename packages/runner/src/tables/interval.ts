import { halfUnit, type Cell } from './cell';

/**
 * Closed intervals for rounding-aware arithmetic: every printed number is the interval of
 * values that round to it, and a check fails only when no choice of unrounded values agrees.
 */
export interface Interval {
  lo: number;
  hi: number;
}

export const fromCell = (c: Cell): Interval => ({ lo: c.value - halfUnit(c), hi: c.value + halfUnit(c) });
export const exact = (v: number): Interval => ({ lo: v, hi: v });
export const add = (a: Interval, b: Interval): Interval => ({ lo: a.lo + b.lo, hi: a.hi + b.hi });
export const sub = (a: Interval, b: Interval): Interval => ({ lo: a.lo - b.hi, hi: a.hi - b.lo });

export function mul(a: Interval, b: Interval): Interval {
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: Math.min(...p), hi: Math.max(...p) };
}

export function div(a: Interval, b: Interval): Interval {
  if (b.lo <= 0 && b.hi >= 0) return { lo: -Infinity, hi: Infinity };
  return mul(a, { lo: 1 / b.hi, hi: 1 / b.lo });
}

export const min = (a: Interval, b: Interval): Interval => ({ lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi) });
export const max = (a: Interval, b: Interval): Interval => ({ lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi) });

export function mean(xs: Interval[]): Interval {
  const s = xs.reduce(add, exact(0));
  return { lo: s.lo / xs.length, hi: s.hi / xs.length };
}

/** Whether two intervals share a point (with a tiny slack for binary floating point). */
export function overlaps(a: Interval, b: Interval): boolean {
  const eps = 1e-9 * Math.max(1, Math.abs(a.lo), Math.abs(b.lo));
  return a.lo <= b.hi + eps && b.lo <= a.hi + eps;
}

export const midpoint = (a: Interval): number => (a.lo + a.hi) / 2;
