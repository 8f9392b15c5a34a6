import { mean, std } from '@descbench/metrics';
import { csvTable } from '../format/csv';
import { STD_SUFFIX, type ReferenceTable } from '../tables/reference-table';
import type { AggregatedCell } from '../engine/types';

export type { AggregatedCell };

/** One value of one (row, column) for one seed. */
export interface CellRecord {
  row: string;
  column: string;
  seed: number;
  value: number;
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
 * Derived columns, per row and seed: a stated mean column (the table's row-mean checks) as the mean
 * of that seed's cells it averages, when all of them are there.
 */
export function derivedRecords(t: ReferenceTable, records: CellRecord[]): CellRecord[] {
  const out: CellRecord[] = [];
  const at = new Map(records.map((r) => [`${r.row}\u0000${r.column}\u0000${r.seed}`, r.value]));
  for (const check of t.spec.checks) {
    if (check.rule !== 'row-mean') continue;
    const rowsSeeds = new Map(records.map((r) => [`${r.row}\u0000${r.seed}`, r]));
    for (const r of rowsSeeds.values()) {
      if (check.rows !== undefined && !check.rows.includes(r.row)) continue;
      if (at.has(`${r.row}\u0000${check.target}\u0000${r.seed}`)) continue;
      const vals = check.of.map((c) => at.get(`${r.row}\u0000${c}\u0000${r.seed}`));
      if (vals.some((v) => v === undefined)) continue;
      out.push({ row: r.row, column: check.target, seed: r.seed, value: (vals as number[]).reduce((a, b) => a + b, 0) / vals.length });
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
        const digits = c.role === 'param_count' ? 0 : decimalsOf(table, c.id) + 1;
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
