import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { listModels, modelSpec, paramTable, soaBlockParams, type ParamRow } from '@descbench/models';
import { findBenchmarksDir } from '../tables/catalog';

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

export interface PaperComparison {
  table: string;
  rows: { row: string; ours: number; paper: number | null; note: string }[];
}

function readReference(rel: string): Record<string, string>[] | undefined {
  let dir: string;
  try {
    dir = findBenchmarksDir();
  } catch {
    return undefined;
  }
  const f = join(dir, rel);
  if (!existsSync(f)) return undefined;
  return parse(readFileSync(f, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

const num = (s: string | undefined): number | null => (s === undefined || s.trim() === '' ? null : Number(s.replace(/,/g, '')));

/**
 * SOLAR supplementary Table 2 (L2-Net conv weights, the paper's running column) and Table 1's
 * "Extra Params" column, ours (from the released architecture) beside the paper's printed values
 * (read from `benchmarks/solar-supp/*\/reference.csv` when present).
 */
export function solarParamComparisons(): PaperComparison[] {
  const l2 = paramTable(modelSpec('l2net')).rows.filter((r) => r.label.startsWith('conv'));
  const t2 = readReference('solar-supp/table2/reference.csv') ?? [];
  const t2rows = l2.map((r, i) => {
    const paper = num(t2[i]?.cumulative_params_count);
    let note = `layer weights ${r.weights}, cumulative ${r.cumulativeWeights}`;
    if (paper !== null && paper !== r.weights && paper !== r.cumulativeWeights) {
      note += i === 5 ? '; paper value is a typo for 147,456' : i === 6 ? '; paper prints the sum of layers 1-6' : '; differs';
    }
    return { row: `layer${i + 1}`, ours: r.weights, paper, note };
  });
  const t1 = readReference('solar-supp/table1/reference.csv') ?? [];
  const soaRows = listModels('sosnet+soa*').map((name) => {
    const layers = name.replace('sosnet+soa', '').split('').map(Number);
    const ours = layers.reduce((a, l) => a + soaBlockParams(l <= 4 ? 64 : 128).total, 0);
    const weights = layers.reduce((a, l) => a + soaBlockParams(l <= 4 ? 64 : 128).weights, 0);
    const ref = t1.find((r) => r.row === name);
    return { row: name, ours, paper: num(ref?.extra_params_count), note: `released block (k=4 at 64 ch, k=2 at 128 ch); conv weights only ${weights}` };
  });
  return [
    { table: 'solar-supp/table2 (L2-Net conv weights)', rows: t2rows },
    { table: 'solar-supp/table1 Extra Params (SOA blocks)', rows: soaRows.filter((r) => r.paper !== null || t1.length === 0) },
  ];
}
