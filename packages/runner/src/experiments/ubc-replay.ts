import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, InputError, log, parseBackendName, type Registry } from '@descbench/core';
import type { DataChoice, UbcSubset } from '@descbench/datasets';
import { parseFpr95Convention } from '@descbench/metrics';
import { createModel, listModels, readSafetensors, useTfjsBackend } from '@descbench/models';
import type { ReferenceTable } from '../tables/reference-table';
import { compareResultsCsv, type CompareReport } from '../tables/compare';
import { presetForModel } from '../training/train-command';
import { parseProfile, trainingPreset, type Profile } from '../training/presets';
import { trainDescriptor } from '../training/trainer';
import { loadUbcSubset } from '../training/ubc-training-data';
import { descriptorFpr95 } from './describe-pairs';
import { RunJournal, type CellRecord } from './run-journal';
import { descbenchVersion, gitHash, runRecordPaths, writeRunRecord, type RunRecord } from './run-record';
import { aggregateSeeds, resultsCsv, type AggregatedCell } from './seed-table';

export interface UbcReplayOptions {
  table: string;
  /** Row ids to replay; default: the first trainable row. */
  rows?: string[];
  /** All rows whose model has SOA blocks, plus their SOSNet+ baseline. */
  allSoa?: boolean;
  /** Every row with a model in the zoo. */
  all?: boolean;
  profile: string;
  /** Seeds 1..n (default: the table's). */
  seeds?: number;
  data?: DataChoice;
  dataDir?: string;
  /** Patches per generated subset (synthetic data; default 1,024 with as many test pairs). */
  patches?: number;
  backend?: string;
  /** Where results/ lives (default ./results). */
  resultsDir?: string;
}

export interface UbcReplayResult {
  table: string;
  rows: string[];
  data: 'real' | 'synthetic';
  cells: AggregatedCell[];
  files: { json: string; csv: string };
  comparison: CompareReport;
}

const isSoa = (model: string): boolean => /\+soa\d+$/.test(model);

/** Generated subsets of a replay: small, so that evaluation stays a fraction of training. */
const REPLAY_SYNTHETIC_PATCHES = 1024;

/** Which rows of a UBC table to replay. */
export function selectUbcRows(t: ReferenceTable, o: Pick<UbcReplayOptions, 'rows' | 'allSoa' | 'all'>): string[] {
  const known = new Set(listModels());
  const trainable = [...t.rows.values()].filter((r) => r.spec.model !== undefined && known.has(r.spec.model)).map((r) => r.spec.id);
  if (o.rows !== undefined && o.rows.length > 0) {
    for (const r of o.rows) {
      const row = t.rows.get(r);
      if (row === undefined) throw new InputError(`table ${t.id} has no row "${r}"; rows: ${[...t.rows.keys()].join(', ')}`, { at: '--rows' });
      if (!trainable.includes(r)) throw new InputError(`row "${r}" has no model in the zoo (${row.spec.model ?? 'none'}); replayable rows: ${trainable.join(', ')}`, { at: '--rows' });
    }
    return o.rows;
  }
  if (o.all) return trainable;
  if (o.allSoa) {
    const soa = trainable.filter((r) => isSoa(t.rows.get(r)?.spec.model ?? ''));
    if (soa.length === 0) throw new InputError(`table ${t.id} has no SOA rows`, { at: '--all-soa' });
    const base = trainable.filter((r) => t.rows.get(r)?.spec.model === 'sosnet+');
    return [...base, ...soa];
  }
  if (trainable.length === 0) throw new InputError(`table ${t.id} has no row with a model in the zoo`);
  return [trainable[0] as string];
}

/**
 * Replay a UBC FPR@95 table: for each selected row, train subset and seed, train the row's model
 * with its family's recipe at the chosen profile, then FPR@95 on each test subset of the table's
 * columns. Every finished cell goes to a journal first, so a killed replay resumes; the results
 * (mean ± sample std over seeds, in the reference layout) and a run record are written once at the end.
 */
export async function replayUbcTable(catalog: Registry<ReferenceTable>, o: UbcReplayOptions): Promise<UbcReplayResult> {
  const t = catalog.get(o.table);
  const cols = t.numericColumns.filter((c) => c.role === 'value' && c.train !== undefined && c.test !== undefined);
  if (cols.length === 0) throw new InputError(`table ${t.id} is not a UBC train/test table (no columns with train and test subsets)`);
  const rows = selectUbcRows(t, o);
  const profile: Profile = parseProfile(o.profile);
  const seeds = o.seeds ?? t.spec.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`--seeds must be a positive integer, got ${seeds}`);
  const convention = parseFpr95Convention(t.spec.metric?.convention ?? 'hardnet');
  const choice = await useTfjsBackend(parseBackendName(o.backend ?? 'auto'));
  log.info(`replaying ${t.id}: ${rows.length} row(s) x ${new Set(cols.map((c) => c.train)).size} training subset(s) x ${seeds} seed(s), ${profile} profile, tfjs ${choice.backend}`);

  const subsets = new Map<string, ReturnType<typeof loadUbcSubset>>();
  const subset = (name: string): ReturnType<typeof loadUbcSubset> => {
    let s = subsets.get(name);
    if (s === undefined) {
      s = loadUbcSubset(name as UbcSubset, { ...(o.data ? { data: o.data } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}), patches: o.patches ?? REPLAY_SYNTHETIC_PATCHES });
      subsets.set(name, s);
    }
    return s;
  };
  const trains = [...new Set(cols.map((c) => c.train as string))];
  const dataKind = subset(trains[0] as string).kind;

  const config = { table: t.id, rows, profile, seeds, convention, data: dataKind, patches: o.patches ?? null, backend: choice.backend };
  const key = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12);
  const resultsDir = resolve(o.resultsDir ?? 'results');
  const journal = new RunJournal(join(resultsDir, t.id, `.run-${key}.jsonl`));
  const workDir = join(resultsDir, t.id, `.work-${key}`);
  if (journal.size > 0) log.info(`resuming: ${journal.size} cell(s) already done (${journal.path})`);

  const units = rows.flatMap((row) => trains.flatMap((train) => Array.from({ length: seeds }, (_, i) => ({ row, train, seed: i + 1 }))));
  const progress = createProgress(`replay ${t.id}`, units.length);
  for (const u of units) {
    const testCols = cols.filter((c) => c.train === u.train);
    if (testCols.every((c) => journal.get(u.row, c.id, u.seed) !== undefined)) {
      progress.tick();
      continue;
    }
    const model = t.rows.get(u.row)?.spec.model as string;
    const out = join(workDir, u.row.replace(/[^a-z0-9_.+-]/gi, '_'), u.train, `s${u.seed}`);
    const tr = subset(u.train);
    const started = Date.now();
    const trained = await trainDescriptor(
      { name: tr.name, patches: tr.ds.patches, pointIds: tr.ds.pointIds, heldOut: { name: tr.name, patches: tr.ds.patches, pairs: tr.ds.pairs! } },
      { preset: trainingPreset(presetForModel(model)), model, profile, seed: u.seed, out, evalEachEpoch: false },
    );
    const trainSeconds = (Date.now() - started) / 1000;
    const descriptor = await createModel(model, { weights: readSafetensors(trained.weights).tensors });
    try {
      for (const c of testCols) {
        if (journal.get(u.row, c.id, u.seed) !== undefined) continue;
        const te = subset(c.test as string);
        const fpr = await descriptorFpr95(descriptor, te.ds.patches, te.ds.pairs!, convention);
        journal.append({ row: u.row, column: c.id, seed: u.seed, value: 100 * fpr, extra: { train_seconds: trainSeconds, test: te.name } });
      }
    } finally {
      descriptor.dispose();
    }
    rmSync(out, { recursive: true, force: true });
    progress.tick();
  }
  progress.done();

  const records: CellRecord[] = [...journal.records(), ...meanRecords(t, journal.records())];
  const cells = aggregateSeeds(t, records);
  const csv = resultsCsv(t, cells);
  const date = new Date().toISOString();
  const comparison = compareResultsCsv(catalog, t.id, csv, runRecordPaths(resultsDir, t, date).csv);
  const repoRoot = resolve(__dirname, '..', '..', '..', '..');
  const record: RunRecord = {
    table: t.id,
    spec: t.spec,
    versions: { descbench: descbenchVersion(repoRoot), node: process.version, tfjs: tf.version_core, spec: String(t.spec.version) },
    config: { ...config, data_dir: o.dataDir ?? null, journal: journal.path, seeds_used: Array.from({ length: seeds }, (_, i) => i + 1) },
    git_hash: gitHash(repoRoot),
    date,
    results: cells,
    reference_delta: comparison,
  };
  const files = writeRunRecord(resultsDir, t, record, csv);
  journal.remove();
  if (existsSync(workDir)) rmSync(workDir, { recursive: true, force: true });
  return { table: t.id, rows, data: dataKind, cells, files, comparison };
}

/** Per seed, a stated mean column (from the table's row-mean checks) as the mean of that seed's cells. */
function meanRecords(t: ReferenceTable, records: CellRecord[]): CellRecord[] {
  const out: CellRecord[] = [];
  for (const check of t.spec.checks) {
    if (check.rule !== 'row-mean') continue;
    const rowsSeeds = new Set(records.map((r) => `${r.row}\u0000${r.seed}`));
    for (const rs of rowsSeeds) {
      const [row, seedText] = rs.split('\u0000') as [string, string];
      const seed = Number(seedText);
      const vals = check.of.map((c) => records.find((r) => r.row === row && r.seed === seed && r.column === c)?.value);
      if (vals.some((v) => v === undefined)) continue;
      out.push({ row, column: check.target, seed, value: (vals as number[]).reduce((a, b) => a + b, 0) / vals.length });
    }
  }
  return out;
}
