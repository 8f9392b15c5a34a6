import { dirname, join, resolve } from 'node:path';
import { rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, InputError, log, type Registry } from '@descbench/core';
import { trainKernelsBuild } from '@descbench/models';
import type { ReferenceTable } from '../tables/reference-table';
import { compareResultsCsv, type CompareReport } from '../tables/compare';
import { descbenchVersion, gitHash, runRecordPaths, writeRunRecord, type RecordedCell, type RunRecord } from '../experiments/run-record';
import { aggregateSeeds, derivedRecords, resultsCsv, type CellRecord } from '../experiments/seed-table';
import { CellBoard } from './cell-board';
import { chooseExecutor } from './executor-choice';
import { CellJournal } from './journal';
import { findRepoRoot, keyCells, projectVersion, sha256Hex } from './key';
import { kindForTable, tableKinds } from './kinds';
import { assertOneDataKind, declaredDataKind } from './data-kind';
import { writePlotData } from './plot-data';
import type { CellValue, Executor, KeyedCell, ReplayOptions, ReplayResult, TableKind } from './types';
import { reportInputFromRecord, writeReport } from '../report/report';

/** A finished replay with its comparison against the reference (null for a figure without numbers). */
export interface ReplayOutcome extends ReplayResult {
  comparison: CompareReport | null;
}

/**
 * Replay one table by id: the table's kind lists its cells, each cell is keyed by its content,
 * cells already in the journal are skipped, the missing ones run on the executor (inline by
 * default) and are journalled as they arrive; then mean ± sample std per (row, column) with the
 * derived columns, the comparison with the reference, and the results CSV + JSON record.
 *
 *   kind.cells -> keys -> skip journalled -> executor.run(missing) -> journal -> aggregate
 *     -> compare -> results_<date>.{csv,json}
 */
export async function runReplay(catalog: Registry<ReferenceTable>, options: ReplayOptions, executor?: Executor): Promise<ReplayOutcome> {
  const t = catalog.get(options.table);
  const kind = kindForTable(t.id);
  if (kind === undefined) {
    const replayable = tableKinds().names().flatMap((n) => tableKinds().get(n).tables);
    throw new InputError(`${t.id} has no replay here; replayable tables: ${replayable.join(', ')}`, { at: 'table' });
  }
  const specs = await kind.cells(t, options);
  if (specs.length === 0) throw new InputError(`${t.id}: the selection has no cells to compute`);
  const version = projectVersion();
  const cells = keyCells(specs, version);
  const dup = cells.find((c, i) => cells.findIndex((d) => d.key === c.key) !== i);
  if (dup !== undefined) throw new Error(`kind ${kind.id} listed the cell ${dup.spec.row}/${dup.spec.unit}/seed ${dup.spec.seed} twice`);
  const declared = cells.flatMap((c) => {
    const d = declaredDataKind(c.spec);
    return d === undefined ? [] : [{ what: `${c.spec.row}/${c.spec.unit}`, data: d }];
  });
  if (declared.length > 0) assertOneDataKind(t.id, declared);

  const resultsDir = resolve(options.resultsDir ?? 'results');
  const replayId = sha256Hex(cells.map((c) => c.key).sort().join('\n')).slice(0, 12);
  const journal = new CellJournal(join(resultsDir, t.id, `.journal-${replayId}.jsonl`));
  const workRoot = join(resultsDir, t.id, `.work-${replayId}`);
  const missing = cells.filter((c) => !journal.has(c.key));
  if (missing.length < cells.length) log.info(`resuming: ${cells.length - missing.length} of ${cells.length} cell(s) already done (${journal.path})`);

  const progress = createProgress(`replay ${t.id}`, cells.length);
  for (let i = 0; i < cells.length - missing.length; i++) progress.tick();
  const board = new CellBoard(t.id, cells, new Set(cells.filter((c) => journal.has(c.key)).map((c) => c.key)));
  const run: Executor = executor ?? chooseExecutor(options, { kind: kind.id, cells: missing.length, workRoot, version, onStart: (c, w) => board.started(c, w) });
  // the whole table, and which cells run where, when cells run elsewhere than inline
  const stopBoard = run.name === 'inline' || missing.length === 0 ? () => {} : board.show(run.name, 30_000);
  try {
    await run.run(run.name === 'inline' ? missing : costliestFirst(missing, kind), (c: KeyedCell, v: CellValue) => {
      journal.append({ key: c.key, spec: c.spec, value: v, worker: String(v.extra?.worker ?? run.name), finished: new Date().toISOString() });
      board.finished(c);
      progress.tick();
    });
  } finally {
    stopBoard();
    if (executor === undefined) await run.close?.();
  }
  progress.done();
  const lost = cells.filter((c) => !journal.has(c.key));
  if (lost.length > 0) throw new Error(`executor ${run.name} finished without ${lost.length} cell(s), e.g. ${lost[0]!.spec.row}/${lost[0]!.spec.unit}/seed ${lost[0]!.spec.seed}`);

  const entries = cells.map((c) => journal.get(c.key)!);
  const values = entries.map((e) => e.value);
  const data = assertOneDataKind(t.id, entries.map((e) => ({ what: `${e.spec.row}/${e.spec.unit}`, data: e.value.data })));
  const records: CellRecord[] = entries.flatMap((e) => Object.entries(e.value.values).map(([column, value]) => ({ row: e.spec.row, column, seed: e.spec.seed, value })));
  const aggregated = aggregateSeeds(t, [...records, ...derivedRecords(t, records)]);
  const csv = resultsCsv(t, aggregated);
  const date = new Date().toISOString();
  const paths = runRecordPaths(resultsDir, t, date);
  const comparison = t.hasReferenceCsv ? compareResultsCsv(catalog, t.id, csv, paths.csv) : null;
  const result: ReplayOutcome = { table: t.id, kind: kind.id, options, cells, values, aggregated, data, files: paths, comparison };
  // The kind's own plots (curves, distributions) travel in the record, so a report can be drawn from it alone.
  const plots = kind.plots?.(result, t) ?? [];
  const repoRoot = findRepoRoot() ?? process.cwd();
  const recorded: RecordedCell[] = entries.map((e) => ({
    key: e.key,
    kind: e.spec.kind,
    row: e.spec.row,
    unit: e.spec.unit,
    columns: e.spec.columns,
    seed: e.spec.seed,
    data: e.value.data,
    worker: e.worker,
    values: e.value.values,
    settings: e.spec.settings,
    ...(e.value.extra !== undefined ? { extra: e.value.extra } : {}),
  }));
  const record: RunRecord = {
    table: t.id,
    spec: t.spec,
    versions: { descbench: descbenchVersion(repoRoot), node: process.version, tfjs: tf.version_core, wasm_train_kernels: trainKernelsBuild(), spec: String(t.spec.version) },
    config: { ...options, table_kind: kind.id, executor: run.name, journal: journal.path, rows: [...new Set(specs.map((s) => s.row))], data },
    git_hash: gitHash(repoRoot),
    date,
    results: aggregated,
    reference_delta: comparison,
    project_version: version,
    data,
    cells: recorded,
    ...(plots.length > 0 ? { plots } : {}),
  };
  writeRunRecord(resultsDir, t, record, csv);
  // A figure's data (the kind's plots' inline records) as CSV beside the results files.
  const figureData = writePlotData(paths.csv, plots);
  if (figureData.length > 0) result.files.data = figureData;
  // The report beside the record: report.md (+ plots/*.svg) and a self-contained report.html.
  result.files = { ...result.files, ...(await writeReplayReport(catalog, record, paths.json)) };
  journal.remove();
  rmSync(workRoot, { recursive: true, force: true });
  return result;
}

/**
 * Cells side by side (pool processes, queue workers) start costliest first (stable among equal
 * costs), so that the table ends on short cells instead of leaving processes idle beside one long
 * one. Results are assembled in the kind's order whatever the order cells ran in.
 */
export function costliestFirst(cells: KeyedCell[], kind: Pick<TableKind, 'cost'>): KeyedCell[] {
  if (kind.cost === undefined) return cells;
  const costs = new Map(cells.map((c) => [c.key, kind.cost!(c.spec)]));
  return cells.map((c, i) => ({ c, i })).sort((a, b) => (costs.get(b.c.key) as number) - (costs.get(a.c.key) as number) || a.i - b.i).map((x) => x.c);
}

/**
 * Draw the report of a finished replay. The record is already written, so a failure here (a
 * plot that vega refuses) costs only the report: it is logged with the command that draws it again.
 */
async function writeReplayReport(catalog: Registry<ReferenceTable>, record: RunRecord, json: string): Promise<{ md?: string; html?: string }> {
  try {
    return await writeReport(dirname(json), reportInputFromRecord(catalog, record, json));
  } catch (e) {
    log.warn(`report not written (${(e as Error).message}); draw it again with: bench report ${json}`);
    return {};
  }
}
