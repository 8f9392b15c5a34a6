import { mean, std } from '@descbench/metrics';
import { csvTable } from '../format/csv';
import { STD_SUFFIX, type ReferenceTable } from '../tables/reference-table';
import type { CellRecord } from './run-journal';

export interface AggregatedCell {
  row: string;
  column: string;
  seeds: number[];
  values: number[];
  mean: number;
  /** Sample standard deviation (n - 1); null for a single seed. */
  std: number | null;
}

/** Mean and sample std over seeds, per (row, column), in the reference table's row order. */
export function aggregateSeeds(table: ReferenceTable, records: CellRecord[]): AggregatedCell[] {
  const out: AggregatedCell[] = [];
  for (const row of table.rows.keys()) {
    for (const col of table.numericColumns) {
      const rs = records.filter((r) => r.row === row && r.column === col.id).sort((a, b) => a.seed - b.seed);
      if (rs.length === 0) continue;
      const values = rs.map((r) => r.value);
      out.push({ row, column: col.id, seeds: rs.map((r) => r.seed), values, mean: mean(values), std: values.length > 1 ? std(values, 'sample') : null });
    }
  }
  return out;
}

/**
 * A results CSV in the reference layout (`row`, `label`, value columns, `<col>_std`), printed
 * with the reference's decimals plus one, so `bench compare` can read it.
 */
export function resultsCsv(table: ReferenceTable, cells: AggregatedCell[]): string {
  const cols = table.numericColumns.filter((c) => cells.some((x) => x.column === c.id));
  const withStd = new Set(cells.filter((x) => x.std !== null).map((x) => x.column));
  const header = ['row', 'label', ...cols.flatMap((c) => (withStd.has(c.id) ? [c.id, c.id + STD_SUFFIX] : [c.id]))];
  const rows = [...table.rows.values()]
    .filter((r) => cells.some((x) => x.row === r.spec.id))
    .map((r) => [
      r.spec.id,
      r.spec.label,
      ...cols.flatMap((c) => {
        const x = cells.find((y) => y.row === r.spec.id && y.column === c.id);
        const digits = decimalsOf(table, c.id) + 1;
        const v = x === undefined ? '' : x.mean.toFixed(digits);
        if (!withStd.has(c.id)) return [v];
        return [v, x?.std === null || x === undefined ? '' : x.std.toFixed(digits)];
      }),
    ]);
  return csvTable(header, rows);
}

/** The most decimals the reference prints in a column (2 if it prints none). */
export function decimalsOf(table: ReferenceTable, column: string): number {
  let d = -1;
  for (const r of table.rows.values()) d = Math.max(d, r.cells.get(column)?.decimals ?? -1);
  return d < 0 ? 2 : d;
}
