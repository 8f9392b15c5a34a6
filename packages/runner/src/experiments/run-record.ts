import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@descbench/core';
import type { ReferenceTable } from '../tables/reference-table';
import type { CompareReport } from '../tables/compare';
import type { AggregatedCell, DataKind, PlotSpec } from '../engine/types';

/** One computed cell as the record keeps it: its key, what it is, what it read, who ran it, its values. */
export interface RecordedCell {
  key: string;
  kind: string;
  row: string;
  unit: string;
  columns: string[];
  seed: number;
  /** The data kind this cell read (a table never mixes kinds under one label). */
  data: DataKind;
  worker: string;
  values: Record<string, number>;
  settings: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/**
 * The self-describing record of one replay (after lm-evaluation-harness's results files):
 * the resolved table spec, versions, config, git hash, date, per-seed values, the aggregate and
 * the comparison with the reference. Written once, atomically, under a new timestamped name.
 */
export interface RunRecord {
  table: string;
  spec: unknown;
  versions: Record<string, string>;
  config: Record<string, unknown>;
  git_hash: string | null;
  date: string;
  results: AggregatedCell[];
  reference_delta: CompareReport | null;
  /** The table kind's extra plots (Vega-Lite with inline data), so that `bench report` can draw them again. */
  plots?: PlotSpec[];
  /** Replays by the engine: the project version in the cell keys, the data kind, and every cell. */
  project_version?: string;
  data?: DataKind;
  cells?: RecordedCell[];
}

export function gitHash(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

export function descbenchVersion(repoRoot: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** `results/<paper>/<entry>/results_<ISO-timestamp>.json` (+ `.csv` in the reference layout). */
export function runRecordPaths(resultsDir: string, table: ReferenceTable, date: string): { json: string; csv: string } {
  const base = join(resultsDir, table.id, `results_${date.replace(/[:.]/g, '-')}`);
  return { json: `${base}.json`, csv: `${base}.csv` };
}

export function writeRunRecord(resultsDir: string, table: ReferenceTable, record: RunRecord, csv: string): { json: string; csv: string } {
  const paths = runRecordPaths(resultsDir, table, record.date);
  writeFileAtomicSync(paths.csv, csv);
  writeFileAtomicSync(paths.json, `${JSON.stringify(record, null, 2)}\n`);
  return paths;
}
