import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { writeFileAtomicSync } from '@descbench/core';
import { csvTable } from '../format/csv';

/** One line of `bench ci`'s summary. */
export interface CiCheckResult {
  /** audit, exact, golden, replay. */
  check: string;
  /** The table (or golden file) it concerns; `*` for every table. */
  table: string;
  /** Cells (findings, values, vectors) compared. */
  cells: number;
  verdict: 'pass' | 'fail' | 'skip' | 'updated';
  seconds: number;
  /** One line per failing cell, naming the table and the cell. */
  failures: string[];
  /** Counts or why it was skipped. */
  note: string;
  /** With --update-baselines: what changed in the pinned file. */
  changes: string[];
}

export interface CiContext {
  /** results/baselines (committed). */
  baselinesDir: string;
  /** Rewrite the pinned files instead of failing on a difference. */
  update: boolean;
}

export function timed<T>(f: () => T): { value: T; seconds: number } {
  const t0 = Date.now();
  const value = f();
  return { value, seconds: (Date.now() - t0) / 1000 };
}

/** Rows of a pinned CSV as objects (empty list when the file does not exist). */
export function readPinned(file: string): Record<string, string>[] {
  if (!existsSync(file)) return [];
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

export function writePinned(file: string, header: string[], rows: Record<string, string>[]): void {
  writeFileAtomicSync(file, csvTable(header, rows.map((r) => header.map((h) => r[h] ?? ''))));
}

/**
 * A pinned list (audit findings, known exact differences) against the current one, by key:
 * entries that appeared and entries that vanished, each as one line.
 */
export function diffPinned(pinned: Record<string, string>[], now: Record<string, string>[], key: (r: Record<string, string>) => string, show: (r: Record<string, string>) => string): { added: string[]; removed: string[] } {
  const before = new Set(pinned.map(key));
  const after = new Set(now.map(key));
  return {
    added: now.filter((r) => !before.has(key(r))).map((r) => `new: ${show(r)}`),
    removed: pinned.filter((r) => !after.has(key(r))).map((r) => `gone: ${show(r)}`),
  };
}
