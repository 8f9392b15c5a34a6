import { existsSync, readFileSync } from 'node:fs';
import { InputError, type Registry } from '@descbench/core';
import { halfUnit } from './cell';
import { fillFromCsv, type ReferenceTable } from './reference-table';

export type Verdict = 'within' | 'better' | 'worse' | 'differs';

export interface CellComparison {
  row: string;
  column: string;
  ours: number;
  ours_std: number | null;
  reference: number;
  reference_std: number | null;
  delta: number;
  /** |delta| up to this is "within": max(tolerance, rounding of the printed reference) + sigmas * combined std. */
  allowed: number;
  verdict: Verdict;
}

export interface CompareOptions {
  /** Absolute tolerance in the column's unit (default 0: only the reference's printed rounding). */
  tolerance?: number;
  /** How many combined standard deviations a difference may be (default 2). */
  sigmas?: number;
}

export interface CompareReport {
  table: string;
  results_file: string;
  tolerance: number;
  sigmas: number;
  cells: CellComparison[];
  /** Cells of the results that the reference leaves empty (nothing to compare with). */
  unmatched: { row: string; column: string }[];
  summary: Record<Verdict, number>;
  /** 0 when no cell is worse (or differs, for columns without a better direction) beyond tolerance, else 1. */
  exit_code: 0 | 1;
}

/**
 * `bench compare`: a results CSV (the reference layout: `row`, optional `label`, value columns,
 * optional `<col>_std`) against a reference table, cell by cell.
 */
export function compareResults(catalog: Registry<ReferenceTable>, tableId: string, resultsFile: string, o: CompareOptions = {}): CompareReport {
  catalog.get(tableId);
  if (!existsSync(resultsFile)) throw new InputError('no such file', { file: resultsFile });
  return compareResultsCsv(catalog, tableId, readFileSync(resultsFile, 'utf8'), resultsFile, o);
}

/** As {@link compareResults}, on CSV text; `resultsFile` names it in errors and the report. */
export function compareResultsCsv(catalog: Registry<ReferenceTable>, tableId: string, csv: string, resultsFile: string, o: CompareOptions = {}): CompareReport {
  const ref = catalog.get(tableId);
  const tolerance = o.tolerance ?? 0;
  const sigmas = o.sigmas ?? 2;
  if (!(tolerance >= 0)) throw new InputError(`--tolerance must be a number >= 0, got ${o.tolerance}`);
  if (!(sigmas >= 0)) throw new InputError(`--sigmas must be a number >= 0, got ${o.sigmas}`);
  if (!ref.hasReferenceCsv) throw new InputError(`${tableId} states no numbers to compare with (a ${ref.spec.kind} without reference.csv)`);
  const ours: ReferenceTable = {
    ...ref,
    rows: new Map([...ref.rows].map(([id, r]) => [id, { spec: r.spec, cells: new Map(), stds: new Map(), texts: new Map() }])),
  };
  fillFromCsv(ours, csv, resultsFile, 'results');
  const cells: CellComparison[] = [];
  const unmatched: { row: string; column: string }[] = [];
  for (const [rowId, row] of ours.rows) {
    const refRow = ref.rows.get(rowId);
    for (const col of ref.numericColumns) {
      const mine = row.cells.get(col.id);
      if (mine === undefined) continue;
      const theirs = refRow?.cells.get(col.id);
      if (theirs === undefined) {
        unmatched.push({ row: rowId, column: col.id });
        continue;
      }
      const oursStd = row.stds.get(col.id)?.value ?? null;
      const refStd = refRow?.stds.get(col.id)?.value ?? null;
      const delta = mine.value - theirs.value;
      const combined = Math.sqrt((oursStd ?? 0) ** 2 + (refStd ?? 0) ** 2);
      const allowed = Math.max(tolerance, halfUnit(theirs)) + sigmas * combined;
      const hib = col.higher_is_better ?? (col.role === 'value' || col.role === 'mean' ? ref.spec.metric?.higher_is_better : undefined);
      let verdict: Verdict = 'within';
      if (Math.abs(delta) > allowed + 1e-12 * Math.max(1, Math.abs(theirs.value))) {
        verdict = hib === undefined ? 'differs' : (delta > 0) === hib ? 'better' : 'worse';
      }
      cells.push({ row: rowId, column: col.id, ours: mine.value, ours_std: oursStd, reference: theirs.value, reference_std: refStd, delta, allowed, verdict });
    }
  }
  if (cells.length === 0) throw new InputError(`no cell of the results matches a printed cell of ${tableId}`, { file: resultsFile });
  const summary: Record<Verdict, number> = { within: 0, better: 0, worse: 0, differs: 0 };
  for (const c of cells) summary[c.verdict]++;
  return { table: tableId, results_file: resultsFile, tolerance, sigmas, cells, unmatched, summary, exit_code: summary.worse + summary.differs > 0 ? 1 : 0 };
}
