import type { Registry } from '@descbench/core';
import { kindForTable } from '../engine/kinds';
import type { ReferenceTable } from './reference-table';

/**
 * Whether a table replays here, from the registered table kinds (never from table.json's text):
 * the kind and the command that runs it; `needs` is what table.json says a paper-scale replay
 * needs (real data, GPU).
 */
export interface ReplayStatus {
  here: boolean;
  kind: string | null;
  command: string | null;
  needs: string[];
}

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
  replay: ReplayStatus;
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
      replay: replayStatus(id, s.replay.needs),
      reference_numbers: numbers,
      checks: s.checks.length,
    };
  });
}

export function replayStatus(id: string, needs: string[]): ReplayStatus {
  const kind = kindForTable(id);
  return { here: kind !== undefined, kind: kind?.id ?? null, command: kind !== undefined ? `bench replay ${id}` : null, needs };
}
