import { writeFileAtomicSync } from '@descbench/core';
import { csvTable } from '../format/csv';
import type { PlotSpec } from './types';

/**
 * A plot's inline data (`vegaLite.data.values`, flat records) as CSV: the figure's numbers beside
 * the results files, readable without the report. Columns in first-seen order; undefined when the
 * plot has no inline records.
 */
export function plotDataCsv(p: PlotSpec): string | undefined {
  const values = (p.vegaLite.data as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values) || values.length === 0) return undefined;
  const header: string[] = [];
  for (const v of values as Record<string, unknown>[]) for (const k of Object.keys(v)) if (!header.includes(k)) header.push(k);
  const cell = (x: unknown): string | number | undefined => (typeof x === 'number' || typeof x === 'string' ? x : x === undefined || x === null ? undefined : JSON.stringify(x));
  return csvTable(header, (values as Record<string, unknown>[]).map((v) => header.map((h) => cell(v[h]))));
}

/** Write each plot's data as `<base>_<plot id>.csv` (base = the results CSV without `.csv`); the files written. */
export function writePlotData(resultsCsv: string, plots: readonly PlotSpec[]): string[] {
  const base = resultsCsv.replace(/\.csv$/, '');
  const out: string[] = [];
  for (const p of plots) {
    const csv = plotDataCsv(p);
    if (csv === undefined) continue;
    const file = `${base}_${p.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;
    writeFileAtomicSync(file, csv);
    out.push(file);
  }
  return out;
}
