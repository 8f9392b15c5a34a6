/**
 * The replay engine's contract (see ../shared/DESIGN.md): a table replay is a list of cells, each
 * a pure function of its key, computed by a table kind, run by an executor, journalled on arrival,
 * aggregated into mean ± std per (row, column), compared with the reference and written as a
 * results CSV + JSON record (+ report).
 *
 *   table id + options -> kind.cells() -> key(spec) -> executor.run(missing) -> kind.compute()
 *     -> journal -> aggregate -> compare -> record.json, results.csv -> report
 *
 * Everything a cell needs travels in its spec (JSON) and its context, so the same `compute` runs
 * inline, in a child process (`--jobs`) or in a remote worker (`--queue`).
 */
import type { ReferenceTable } from '../tables/reference-table';

/** Which kind of data a cell read: the real dataset, or the project's generated stand-in. */
export type DataKind = 'real' | 'synthetic';

/**
 * One unit of work. A unit may fill several reference columns at once (a UBC training on one
 * subset is tested on the two others), so `columns` lists them. JSON-serialisable.
 */
export interface CellSpec {
  /** The table kind that computes it (registry id). */
  kind: string;
  /** The benchmarks/ entry, e.g. `solar-supp/table1`. */
  table: string;
  /** Row id of the reference table. */
  row: string;
  /** Reference column ids this unit fills. */
  columns: string[];
  /** Name of the unit within its row when one computation fills several columns (e.g. `train=liberty`). */
  unit: string;
  seed: number;
  /**
   * Everything else that decides the value: profile, recipe, backend, the data manifest
   * (checksums of the files read, or the generator's settings), kind options. JSON only.
   */
  settings: Record<string, unknown>;
}

/** A cell spec with its content key: sha256 (hex) of the canonical JSON of the spec + project version. */
export interface KeyedCell {
  key: string;
  spec: CellSpec;
}

/** What `compute` returns: numbers per column, the data kind read, and anything worth keeping. */
export interface CellValue {
  /** Column id -> value in the table's unit (e.g. FPR@95 in %). */
  values: Record<string, number>;
  data: DataKind;
  /** Timings, losses, curves (a kind's plots read them), the backend that ran it, the worker. */
  extra?: Record<string, unknown>;
}

/** What a cell may use besides its spec; no global state. */
export interface CellContext {
  /** Data root (--data-dir / $DESCBENCH_DATA / ~/.cache/descbench). */
  dataDir?: string;
  /** tfjs backend name (auto, wasm, cpu, tensorflow, webgpu). */
  backend: string;
  /** A private scratch folder for this cell (removed after it finishes). */
  workDir: string;
  /** Who runs it: `inline`, `pid:<n>`, `worker:<host>/<id>`; recorded in the journal. */
  worker: string;
  /** Progress inside the cell (steps), optional. */
  onProgress?: (done: number, total: number) => void;
}

/** Options of one replay, shared by every kind; kinds read their own extras from `kind`. */
export interface ReplayOptions {
  table: string;
  profile: string;
  /** Seeds 1..n (default: the table's). */
  seeds?: number;
  /** Row ids (default: the kind's default rows). */
  rows?: string[];
  data?: 'auto' | 'real' | 'synthetic';
  dataDir?: string;
  backend?: string;
  /** Where results/ lives (default ./results). */
  resultsDir?: string;
  /** Worker processes on this machine (default: cores); 1 runs inline. */
  jobs?: number;
  /** redis://HOST:PORT: run cells on remote workers through BullMQ. */
  queue?: string;
  /** Kind-specific options (e.g. { allSoa: true }, { rerank: 'csa' }). */
  kind?: Record<string, unknown>;
}

/** One (row, column) over seeds: mean and sample std. */
export interface AggregatedCell {
  row: string;
  column: string;
  seeds: number[];
  values: number[];
  mean: number;
  /** Sample standard deviation (n - 1); null for a single seed. */
  std: number | null;
}

/** A plot of a report, as a Vega-Lite spec (rendered to SVG on the server). */
export interface PlotSpec {
  id: string;
  title: string;
  /** A Vega-Lite (v5) top-level spec with inline data. */
  vegaLite: Record<string, unknown>;
}

/** A finished replay: what the record, the CSV and the report are written from. */
export interface ReplayResult {
  table: string;
  kind: string;
  options: ReplayOptions;
  cells: KeyedCell[];
  /** Per-cell values in spec order (the journal's content). */
  values: CellValue[];
  /** Aggregated per (row, column), derived columns (row means) included. */
  aggregated: AggregatedCell[];
  /** The data kind of every cell; a table never mixes kinds under one label. */
  data: DataKind;
  /** `data`: each kind plot's inline records as CSV (`<results base>_<plot id>.csv`). */
  files: { json: string; csv: string; md?: string; html?: string; data?: string[] };
}

/**
 * A table kind: one small module per experiment kind (ubc, hpatches, gradients, retrieval,
 * csa-ablation, how-asmk). Registered in the engine's kind registry.
 */
export interface TableKind {
  id: string;
  /** Which benchmarks/ entries this kind replays. */
  tables: readonly string[];
  /** The cells of a replay; may resolve data (to put its manifest into the settings). */
  cells(t: ReferenceTable, o: ReplayOptions): Promise<CellSpec[]>;
  /** Compute one cell; pure in its key. */
  compute(c: CellSpec, ctx: CellContext): Promise<CellValue>;
  /** Extra plots for the report (curves, seed studies); the engine draws the per-row plot itself. */
  plots?(r: ReplayResult, t: ReferenceTable): PlotSpec[];
  /**
   * A cell's relative cost (any unit, same for all cells of a kind): executors that run cells side
   * by side start the costliest first, so that a table does not end on one long cell while the
   * other processes idle. Order only; values never depend on it.
   */
  cost?(c: CellSpec): number;
}

/** Runs cells somewhere and reports each finished one (in any order). */
export interface Executor {
  readonly name: string;
  run(cells: KeyedCell[], onDone: (c: KeyedCell, v: CellValue) => void): Promise<void>;
  close?(): Promise<void>;
}
