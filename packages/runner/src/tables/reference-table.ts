import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '@descbench/core';
import { parseCell, type Cell } from './cell';
import { TableSpec, type CheckSpec, type ColumnSpec, type RowSpec } from './schema';

/** The numbers of one row: value columns, their `_std` companions, and text columns. */
export interface ReferenceRow {
  spec: RowSpec;
  cells: Map<string, Cell>;
  stds: Map<string, Cell>;
  texts: Map<string, string>;
}

/**
 * One table or figure of a paper: its spec (`table.json`) and its printed numbers
 * (`reference.csv`, absent for figures that state none).
 */
export interface ReferenceTable {
  id: string;
  dir: string;
  spec: TableSpec;
  rows: Map<string, ReferenceRow>;
  /** Numeric value columns (role value/mean/param_count), in printed order. */
  numericColumns: ColumnSpec[];
  hasReferenceCsv: boolean;
}

export const STD_SUFFIX = '_std';

export function readTableSpec(file: string): TableSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  const parsed = TableSpec.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new InputError(`${issue?.message ?? 'invalid'}`, { file, at: `field ${path || '(root)'}` });
  }
  return parsed.data;
}

/** Load `<dir>/table.json` and `<dir>/reference.csv`; `expectedId` is `<paper>/<entry>` from the path. */
export function loadReferenceTable(dir: string, expectedId: string): ReferenceTable {
  const specFile = join(dir, 'table.json');
  const spec = readTableSpec(specFile);
  if (spec.id !== expectedId) {
    throw new InputError(`id "${spec.id}" does not match its folder "${expectedId}"`, { file: specFile, at: 'field id' });
  }
  const table: ReferenceTable = {
    id: spec.id,
    dir,
    spec,
    rows: new Map(spec.rows.map((r) => [r.id, { spec: r, cells: new Map(), stds: new Map(), texts: new Map() }])),
    numericColumns: spec.columns.filter((c) => c.type === 'number'),
    hasReferenceCsv: false,
  };
  assertUniqueIds(spec, specFile);
  const csvFile = join(dir, 'reference.csv');
  if (existsSync(csvFile)) {
    fillFromCsv(table, readFileSync(csvFile, 'utf8'), csvFile, 'reference');
    table.hasReferenceCsv = true;
  }
  assertCheckReferences(table, specFile);
  return table;
}

/**
 * Parse a CSV in the reference layout (`row`, optional `label`, value columns, `<col>_std`)
 * into `table`'s rows. Used for reference.csv and for results CSVs given to `compare`;
 * unknown rows or columns and non-numeric cells are input errors naming file, row and column.
 */
export function fillFromCsv(table: ReferenceTable, text: string, file: string, what: 'reference' | 'results'): void {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  } catch (e) {
    throw new InputError(`not a valid CSV: ${(e as Error).message}`, { file });
  }
  const header = records[0];
  if (header === undefined) throw new InputError('empty CSV: expected a header row starting with "row"', { file, line: 1 });
  if (header[0] !== 'row') throw new InputError(`the first column must be "row", got ${JSON.stringify(header[0])}`, { file, line: 1, column: 1 });
  const byId = new Map(table.spec.columns.map((c) => [c.id, c]));
  const kinds = header.map((h, i) => {
    if (i === 0) return { kind: 'row' as const, id: h };
    if (h === 'label') return { kind: 'label' as const, id: h };
    const base = h.endsWith(STD_SUFFIX) ? h.slice(0, -STD_SUFFIX.length) : undefined;
    const col = byId.get(h);
    if (col !== undefined) return { kind: col.type === 'text' ? ('text' as const) : ('value' as const), id: h };
    const stdOf = base !== undefined ? byId.get(base) : undefined;
    if (stdOf !== undefined && stdOf.type === 'number' && (what === 'results' || stdOf.std)) return { kind: 'std' as const, id: base as string };
    const known = table.spec.columns.map((c) => c.id).join(', ');
    throw new InputError(`unknown column for table ${table.id}; known columns: ${known}`, { file, line: 1, column: h });
  });
  const seen = new Set<string>();
  records.slice(1).forEach((rec, k) => {
    const line = k + 2;
    const rowId = rec[0] ?? '';
    const row = table.rows.get(rowId);
    if (row === undefined) {
      throw new InputError(`unknown row for table ${table.id}; known rows: ${[...table.rows.keys()].join(', ')}`, { file, line, row: rowId });
    }
    if (seen.has(rowId)) throw new InputError('row appears twice', { file, line, row: rowId });
    seen.add(rowId);
    kinds.forEach((kd, i) => {
      const v = rec[i] ?? '';
      if (kd.kind === 'label' && what === 'reference' && v !== row.spec.label) {
        throw new InputError(`label ${JSON.stringify(v)} differs from table.json's ${JSON.stringify(row.spec.label)}`, { file, line, row: rowId, column: 'label' });
      }
      if (kd.kind === 'text') {
        if (v !== '') row.texts.set(kd.id, v);
      } else if (kd.kind === 'value' || kd.kind === 'std') {
        const column = kd.kind === 'std' ? kd.id + STD_SUFFIX : kd.id;
        const cell = parseCell(v, { file, line, row: rowId, column });
        if (cell !== undefined) (kd.kind === 'std' ? row.stds : row.cells).set(kd.id, cell);
      }
    });
  });
}

function assertUniqueIds(spec: TableSpec, file: string): void {
  for (const [what, ids] of [
    ['row', spec.rows.map((r) => r.id)],
    ['column', spec.columns.map((c) => c.id)],
  ] as const) {
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) throw new InputError(`${what} id "${dup}" is used twice`, { file });
  }
}

/** Every row and column a check names must exist (cross-table references are checked by the audit). */
function assertCheckReferences(t: ReferenceTable, file: string): void {
  const rows = new Set(t.rows.keys());
  const cols = new Set(t.numericColumns.map((c) => c.id));
  if (t.spec.baseline_row !== undefined && !rows.has(t.spec.baseline_row)) throw new InputError(`unknown row "${t.spec.baseline_row}"`, { file, at: 'field baseline_row' });
  t.spec.checks.forEach((c: CheckSpec, i) => {
    const at = `checks[${i}] (${c.rule})`;
    const needRow = (r: string): void => {
      if (!rows.has(r)) throw new InputError(`unknown row "${r}"`, { file, at });
    };
    const needCol = (col: string): void => {
      if (!cols.has(col)) throw new InputError(`unknown numeric column "${col}"`, { file, at });
    };
    switch (c.rule) {
      case 'row-mean':
        needCol(c.target);
        c.of.forEach(needCol);
        c.rows?.forEach(needRow);
        break;
      case 'row-sum':
        needCol(c.column);
        needRow(c.target);
        c.of.forEach(needRow);
        break;
      case 'row-difference':
        [c.target, c.minuend, c.subtrahend].forEach(needRow);
        c.columns?.forEach(needCol);
        break;
      case 'conv-params':
        needCol(c.column);
        Object.keys(c.layers).forEach(needRow);
        break;
      case 'soa-params':
        needCol(c.column);
        Object.keys(c.blocks).forEach(needRow);
        break;
      case 'range':
        c.columns.forEach(needCol);
        break;
      case 'equal-cells':
      case 'claim':
        break;
    }
  });
}
