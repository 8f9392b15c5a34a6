import { type Registry } from '@descbench/core';
import { listModels, modelSpec, paramTable, soaBlockParams, type ParamRow } from '@descbench/models';
import { auditTables } from '../audit/audit';
import { loadCatalog } from '../tables/catalog';
import type { ReferenceTable } from '../tables/reference-table';

export interface ModelParams {
  model: string;
  rows: ParamRow[];
  totalParams: number;
  totalWeights: number;
}

/** `bench params <model>`: per-layer parameter counts of a zoo network. */
export function modelParams(model: string): ModelParams {
  const t = paramTable(modelSpec(model));
  return { model, ...t };
}

/** Ours beside a paper's printed parameter counts, one reference table. */
export interface PaperComparison {
  /** `<table id> (<what>)`, e.g. `solar-supp/table2 (L2-Net conv weights)`. */
  table: string;
  id: string;
  rows: { row: string; ours: number; paper: number | null; note: string }[];
}

type Catalog = Registry<ReferenceTable>;

/** The audit's findings on one cell, as notes (e.g. Table 2's layer-6 typo), or undefined. */
function auditNotes(catalog: Catalog): (table: string, row: string, column: string) => string | undefined {
  const findings = auditTables(catalog);
  return (table, row, column) => {
    const f = findings.filter((x) => x.table === table && x.row === row && x.column === column).map((x) => `audit: ${x.message}`);
    return f.length > 0 ? f.join('; ') : undefined;
  };
}

function tryCatalog(): Catalog | undefined {
  try {
    return loadCatalog();
  } catch {
    return undefined; // no benchmarks/ folder: counts only
  }
}

/**
 * Every reference table whose printed parameter counts apply to `model`:
 * - a `conv-params` table (SOLAR supp. Table 2, the L2-Net body) when the model's convolutions
 *   have exactly the table's layer shapes (L2-Net, HardNet, SOSNet, SOSNet+, the SOA variants,
 *   HyNet: "the same number of convolutional weights as HardNet and SOSNet");
 * - a `soa-params` table (SOLAR supp. Table 1, Extra Params) for the row of that model.
 * Rows are read by id; notes come from the audit's findings on the cell.
 */
export function paperParamComparisons(model: string, catalog: Catalog | undefined = tryCatalog()): PaperComparison[] {
  if (catalog === undefined) return [];
  const note = auditNotes(catalog);
  const ours = paramTable(modelSpec(model)).rows;
  const out: PaperComparison[] = [];
  for (const id of catalog.names()) {
    const t = catalog.get(id);
    for (const check of t.spec.checks) {
      if (check.rule === 'conv-params') {
        const convs = ours.filter((r) => /^conv\d/.test(r.label));
        const layers = Object.entries(check.layers);
        const fits = convs.length === layers.length && layers.every(([, l], i) => convs[i]!.weights === l.kernel[0] * l.kernel[1] * l.in * l.out && convs[i]!.outputShape[0] === l.out);
        if (!fits) continue;
        out.push({
          table: `${id} (${t.spec.title}; conv weights per layer)`,
          id,
          rows: layers.map(([row], i) => {
            const r = convs[i]!;
            const cumulative = convs.slice(0, i + 1).reduce((a, c) => a + c.weights, 0);
            const paper = t.rows.get(row)?.cells.get(check.column)?.value ?? null;
            const n = note(id, row, check.column) ?? (paper === null ? 'not printed' : paper === r.weights ? 'equal' : 'differs');
            return { row, ours: r.weights, paper, note: `layer weights ${r.weights}, conv layers 1-${i + 1} ${cumulative}; ${n}` };
          }),
        });
      } else if (check.rule === 'soa-params') {
        const rows = Object.entries(check.blocks).filter(([row]) => row === model || t.rows.get(row)?.spec.model === model);
        if (rows.length === 0) continue;
        out.push({ table: `${id} (Extra Params of the SOA blocks)`, id, rows: rows.map(([row, layers]) => soaRow(t, row, layers, check.column, note)) });
      }
    }
  }
  return out;
}

function soaRow(t: ReferenceTable, row: string, layers: number[], column: string, note: (t: string, r: string, c: string) => string | undefined): PaperComparison['rows'][number] {
  const blocks = layers.map((l) => soaBlockParams(l <= 4 ? 64 : 128));
  const ours = blocks.reduce((a, b) => a + b.total, 0);
  const weights = blocks.reduce((a, b) => a + b.weights, 0);
  const paper = t.rows.get(row)?.cells.get(column)?.value ?? null;
  const n = note(t.id, row, column) ?? (paper === null ? 'not printed' : paper === ours ? 'equal' : 'differs');
  return { row, ours, paper, note: `released block (k=4 at 64 ch, k=2 at 128 ch), conv weights only ${weights}; ${n}` };
}

/**
 * `bench params solar`: SOLAR supplementary Table 2 (L2-Net conv weights) and every row of
 * Table 1's Extra Params column, ours beside the paper's.
 */
export function solarParamComparisons(catalog: Catalog | undefined = tryCatalog()): PaperComparison[] {
  const t2 = paperParamComparisons('l2net', catalog).filter((c) => c.id === 'solar-supp/table2');
  const soa = listModels('sosnet+soa*').flatMap((m) => paperParamComparisons(m, catalog).filter((c) => c.id === 'solar-supp/table1'));
  const rows = soa.flatMap((c) => c.rows);
  return [...t2, ...(rows.length > 0 ? [{ table: 'solar-supp/table1 (Extra Params of the SOA blocks)', id: 'solar-supp/table1', rows }] : [])];
}
