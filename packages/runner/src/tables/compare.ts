import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError, type Registry } from '@descbench/core';
import { halfUnit } from './cell';
import { fillFromCsv, type ReferenceTable } from './reference-table';

export const VERDICTS = ['within', 'inconclusive', 'better', 'worse', 'differs'] as const;
/**
 * `within`: the difference is inside the allowance and the allowance is narrow enough to mean
 * something; `inconclusive`: inside the allowance only because the uncertainty is too wide to
 * decide (see {@link compareWithReference}); `better` / `worse`: outside, by the column's direction;
 * `differs`: outside, for a column without a direction (parameter counts).
 */
export type Verdict = (typeof VERDICTS)[number];

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
  /** The statistical part of the allowance: sigmas * sqrt(reference std² + run std²). */
  uncertainty: number;
  verdict: Verdict;
}

export interface CompareOptions {
  /** Absolute tolerance in the column's unit (default 0: only the reference's printed rounding). */
  tolerance?: number;
  /** How many combined standard deviations a difference may be (default 2). */
  sigmas?: number;
  /**
   * Relative resolution (default 0.25): a cell inside the allowance is only "within" when its
   * uncertainty is at most max(tolerance, rounding, resolution x |reference|); else inconclusive.
   */
  resolution?: number;
}

export interface CompareReport {
  table: string;
  results_file: string;
  tolerance: number;
  sigmas: number;
  resolution: number;
  cells: CellComparison[];
  /** Cells of the results that the reference leaves empty (nothing to compare with). */
  unmatched: { row: string; column: string }[];
  summary: Record<Verdict, number>;
  /** 0 when no cell is worse (or differs, for columns without a better direction) beyond tolerance, else 1; inconclusive cells do not fail. */
  exit_code: 0 | 1;
}

/**
 * `bench compare`: a results CSV (the reference layout: `row`, optional `label`, value columns,
 * optional `<col>_std`) against a reference table, cell by cell.
 */
export function compareResults(catalog: Registry<ReferenceTable>, tableId: string, resultsFile: string, o: CompareOptions = {}): CompareReport {
  catalog.get(tableId);
  if (!existsSync(resultsFile)) throw new InputError('no such file', { file: resultsFile });
  if (statSync(resultsFile).isDirectory()) throw new InputError('is a folder; expected a results CSV in the reference layout', { file: resultsFile });
  return compareResultsCsv(catalog, tableId, readFileSync(resultsFile, 'utf8'), resultsFile, o);
}

/** As {@link compareResults}, on CSV text; `resultsFile` names it in errors and the report. */
export function compareResultsCsv(catalog: Registry<ReferenceTable>, tableId: string, csv: string, resultsFile: string, o: CompareOptions = {}): CompareReport {
  const ref = catalog.get(tableId);
  if (!ref.hasReferenceCsv) throw new InputError(`${tableId} states no numbers to compare with (a ${ref.spec.kind} without reference.csv)`);
  return compareWithReference(ref, csv, resultsFile, o);
}

/** A table's rows and columns with no numbers: what a results CSV is read into. */
export function emptyTable(ref: ReferenceTable): ReferenceTable {
  return { ...ref, rows: new Map([...ref.rows].map(([id, r]) => [id, { spec: r.spec, cells: new Map(), stds: new Map(), texts: new Map() }])) };
}

/**
 * Compare a results CSV with `ref` (a reference table, or a stand-in with the same rows and
 * columns such as a CI baseline), cell by cell. With reference r ± s_r (s_r = 0 when not
 * printed), ours m ± s_m (0 for one seed), delta d = m - r:
 *
 *   uncertainty u = sigmas x sqrt(s_r² + s_m²)
 *   floor       f = max(tolerance, half a unit of r's last printed digit)
 *   allowed     a = f + u
 *   |d| > a                                   -> better / worse (by the column's direction) / differs
 *   |d| <= a and u <= max(f, resolution x |r|) -> within
 *   |d| <= a and u >  max(f, resolution x |r|) -> inconclusive: the spread alone could hide a
 *                                                difference of resolution x |r|, so agreement says nothing
 */
export function compareWithReference(ref: ReferenceTable, csv: string, resultsFile: string, o: CompareOptions = {}): CompareReport {
  const tableId = ref.id;
  const tolerance = o.tolerance ?? 0;
  const sigmas = o.sigmas ?? 2;
  const resolution = o.resolution ?? 0.25;
  if (!(tolerance >= 0)) throw new InputError(`--tolerance must be a number >= 0, got ${o.tolerance}`);
  if (!(sigmas >= 0)) throw new InputError(`--sigmas must be a number >= 0, got ${o.sigmas}`);
  if (!(resolution >= 0)) throw new InputError(`--resolution must be a number >= 0, got ${o.resolution}`);
  const ours = emptyTable(ref);
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
      const uncertainty = sigmas * Math.sqrt((oursStd ?? 0) ** 2 + (refStd ?? 0) ** 2);
      const floor = Math.max(tolerance, halfUnit(theirs));
      const allowed = floor + uncertainty;
      const hib = col.higher_is_better ?? (col.role === 'value' || col.role === 'mean' ? ref.spec.metric?.higher_is_better : undefined);
      let verdict: Verdict = 'within';
      if (Math.abs(delta) > allowed + 1e-12 * Math.max(1, Math.abs(theirs.value))) {
        verdict = hib === undefined ? 'differs' : (delta > 0) === hib ? 'better' : 'worse';
      } else if (uncertainty > Math.max(floor, resolution * Math.abs(theirs.value))) {
        verdict = 'inconclusive';
      }
      cells.push({ row: rowId, column: col.id, ours: mine.value, ours_std: oursStd, reference: theirs.value, reference_std: refStd, delta, allowed, uncertainty, verdict });
    }
  }
  if (cells.length === 0) throw new InputError(`no cell of the results matches a printed cell of ${tableId}`, { file: resultsFile });
  const summary = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of cells) summary[c.verdict]++;
  return { table: tableId, results_file: resultsFile, tolerance, sigmas, resolution, cells, unmatched, summary, exit_code: summary.worse + summary.differs > 0 ? 1 : 0 };
}
