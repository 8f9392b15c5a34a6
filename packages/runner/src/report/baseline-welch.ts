import { welchTTest } from '@descbench/metrics';
import type { AggregatedCell } from '../experiments/seed-table';
import type { ReferenceTable } from '../tables/reference-table';

/** Two-sided significance level of the marks. */
export const WELCH_ALPHA = 0.05;

/** One row's cell against the baseline row's cell of the same column, over seeds. */
export interface BaselineTest {
  row: string;
  column: string;
  baseline: string;
  t: number;
  df: number;
  p: number;
  /** p < WELCH_ALPHA, and the direction by the column (none for columns without one). */
  mark: 'better' | 'worse' | 'different' | null;
}

/**
 * Welch's t-test (unequal variances, two-sided) of every row against the table's `baseline_row`,
 * per column, on the per-seed values: what a reader of SOLAR's Table 1 asks of an SOA insertion
 * against SOSNet+. Cells with fewer than two seeds on either side, or zero variance on both, are
 * not tested (listed nowhere). Empty when the table names no baseline row or it was not run.
 */
export function baselineTests(t: ReferenceTable, cells: AggregatedCell[]): BaselineTest[] {
  const base = t.spec.baseline_row;
  if (base === undefined) return [];
  const out: BaselineTest[] = [];
  for (const c of cells) {
    if (c.row === base) continue;
    const b = cells.find((x) => x.row === base && x.column === c.column);
    if (b === undefined || b.values.length < 2 || c.values.length < 2) continue;
    const w = welchTTest(c.values, b.values);
    if (!Number.isFinite(w.p)) continue;
    const col = t.numericColumns.find((x) => x.id === c.column);
    const hib = col?.higher_is_better ?? (col?.role === 'value' || col?.role === 'mean' ? t.spec.metric?.higher_is_better : undefined);
    let mark: BaselineTest['mark'] = null;
    if (w.p < WELCH_ALPHA) mark = hib === undefined ? 'different' : (w.t > 0) === hib ? 'better' : 'worse';
    out.push({ row: c.row, column: c.column, baseline: base, ...w, mark });
  }
  return out;
}
