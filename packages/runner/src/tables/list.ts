import type { Registry } from '@descbench/core';
import type { ReferenceTable } from './reference-table';

/** One line of `bench list`. */
export interface TableSummary {
  id: string;
  kind: 'table' | 'figure';
  document: string;
  number: string;
  title: string;
  metric: string | null;
  datasets: string[];
  seeds: number;
  replay: { here: 'smoke' | 'no'; needs: string[]; why: string };
  reference_numbers: number;
  checks: number;
}

export function listTables(catalog: Registry<ReferenceTable>, filter?: string): TableSummary[] {
  return catalog.names(filter).map((id) => {
    const t = catalog.get(id);
    const s = t.spec;
    let numbers = 0;
    for (const r of t.rows.values()) numbers += r.cells.size + r.stds.size;
    return {
      id,
      kind: s.kind,
      document: s.document,
      number: s.number,
      title: s.title,
      metric: s.metric?.name ?? null,
      datasets: s.datasets,
      seeds: s.seeds,
      replay: s.replay,
      reference_numbers: numbers,
      checks: s.checks.length,
    };
  });
}
