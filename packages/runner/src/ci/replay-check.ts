import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync, type Registry } from '@descbench/core';
import { compareWithReference, emptyTable, type CellComparison } from '../tables/compare';
import { fillFromCsv, type ReferenceTable } from '../tables/reference-table';
import type { CiCheckResult, CiContext } from './check';

/** One replay that `bench ci` runs at --profile tiny on generated data, and why it was chosen. */
export interface CiReplay {
  table: string;
  rows: string[];
  seeds: number;
  /** Kind options (ReplayOptions.kind). */
  kind?: Record<string, unknown>;
  why: string;
}

/** What a replay hands back to the check: the results CSV (reference layout, mean + _std). */
export interface CiReplayOutput {
  csv: string;
  /** Where the run's record and report went (printed). */
  record?: string;
}

export type CiReplayRunner = (r: CiReplay) => Promise<CiReplayOutput>;

/** Verdicts that fail CI against a baseline: any decided change, in either direction. */
const FAILING = new Set(['better', 'worse', 'differs']);

export function baselineFile(baselinesDir: string, table: string): string {
  return join(baselinesDir, `${table}.csv`);
}

const fmt = (v: number, s: number | null): string => `${Number(v.toPrecision(6))}${s === null ? '' : ` ± ${Number(s.toPrecision(4))}`}`;

function describeCell(t: ReferenceTable, c: CellComparison): string {
  return `${t.id} row ${c.row} column ${c.column}: ours ${fmt(c.ours, c.ours_std)}, baseline ${fmt(c.reference, c.reference_std)}, delta ${Number(c.delta.toPrecision(4))} beyond ${Number(c.allowed.toPrecision(4))} (${c.verdict})`;
}

/**
 * Compare a tiny replay with its committed baseline (`results/baselines/<table>.csv`, mean ± std
 * per cell, the layout a replay writes) by `bench compare`'s rule (2 sigmas, resolution 0.25),
 * the baseline standing in for the paper. Any decided change fails, better as well as worse:
 * on the same seeds and generated data the numbers should not move unless the code changed them,
 * and then `bench ci --update-baselines` records the new numbers deliberately. Inconclusive cells
 * are counted apart. A cell in one file and not the other fails too.
 */
export async function replayCheck(catalog: Registry<ReferenceTable>, r: CiReplay, run: CiReplayRunner, ctx: CiContext): Promise<CiCheckResult> {
  const t = catalog.get(r.table);
  const t0 = Date.now();
  const out = await run(r);
  const seconds = (Date.now() - t0) / 1000;
  const file = baselineFile(ctx.baselinesDir, t.id);
  const base = { check: 'replay', table: t.id, seconds };
  const old = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (ctx.update) {
    const changes = old === undefined ? [`new baseline ${file}`] : baselineChanges(t, old, out.csv, file);
    if (old !== out.csv) writeFileAtomicSync(file, out.csv);
    const cells = countCells(t, out.csv);
    return { ...base, cells, verdict: changes.length > 0 ? 'updated' : 'pass', failures: [], note: out.record ? `record ${out.record}` : '', changes };
  }
  if (old === undefined) {
    return { ...base, cells: 0, verdict: 'fail', failures: [`${t.id}: no baseline ${file}; run \`bench ci --update-baselines\` to record one`], note: '', changes: [] };
  }
  const baseline = emptyTable(t);
  fillFromCsv(baseline, old, file, 'results');
  const cmp = compareWithReference(baseline, out.csv, `${t.id} (tiny replay)`);
  const failures = cmp.cells.filter((c) => FAILING.has(c.verdict)).map((c) => describeCell(t, c));
  for (const u of cmp.unmatched) failures.push(`${t.id} row ${u.row} column ${u.column}: not in the baseline ${file}`);
  const ours = emptyTable(t);
  fillFromCsv(ours, out.csv, 'replay', 'results');
  for (const [row, rr] of baseline.rows) for (const col of rr.cells.keys()) if (!ours.rows.get(row)?.cells.has(col)) failures.push(`${t.id} row ${row} column ${col}: in the baseline, missing from the replay`);
  const s = cmp.summary;
  return {
    ...base,
    cells: cmp.cells.length,
    verdict: failures.length > 0 ? 'fail' : 'pass',
    failures,
    note: `${s.within} within, ${s.inconclusive} inconclusive, ${s.better} better, ${s.worse} worse, ${s.differs} differ`,
    changes: [],
  };
}

function countCells(t: ReferenceTable, csv: string): number {
  const x = emptyTable(t);
  fillFromCsv(x, csv, 'replay', 'results');
  return [...x.rows.values()].reduce((a, r) => a + r.cells.size, 0);
}

/** What --update-baselines changes, cell by cell: `row column: old -> new`. */
function baselineChanges(t: ReferenceTable, oldCsv: string, newCsv: string, file: string): string[] {
  const a = emptyTable(t);
  fillFromCsv(a, oldCsv, file, 'results');
  const b = emptyTable(t);
  fillFromCsv(b, newCsv, 'replay', 'results');
  const out: string[] = [];
  const text = (x: ReferenceTable, row: string, col: string): string => {
    const r = x.rows.get(row);
    const v = r?.cells.get(col);
    if (v === undefined) return '(none)';
    const s = r?.stds.get(col);
    return s === undefined ? v.text : `${v.text} ± ${s.text}`;
  };
  for (const row of t.rows.keys()) {
    for (const col of t.numericColumns) {
      const before = text(a, row, col.id);
      const after = text(b, row, col.id);
      if (before !== after) out.push(`${t.id} row ${row} column ${col.id}: ${before} -> ${after}`);
    }
  }
  return out;
}
