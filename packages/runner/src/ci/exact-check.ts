import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import { listModels, soaBlockParams } from '@descbench/models';
import { paperParamComparisons } from '../models/params';
import { diffPinned, readPinned, timed, writePinned, type CiCheckResult, type CiContext } from './check';

const HEADER = ['table', 'row', 'column', 'model', 'ours', 'paper'];

interface ExactValue {
  table: string;
  row: string;
  column: string;
  model: string;
  ours: number;
  paper: number | null;
}

/** The parameter-count column of each table that prints counts. */
const COUNT_COLUMN: Record<string, string> = { 'solar-supp/table2': 'cumulative_params_count', 'solar-supp/table1': 'extra_params_count' };

/**
 * Numbers the project computes exactly, beside the paper's printed ones: for every network of the
 * zoo, the parameter counts a reference table prints for it (`bench params <model>`): SOLAR supp.
 * Table 2 (the L2-Net body's conv weights, for every L2-Net-bodied model) and Table 1's Extra Params
 * (the SOA rows, from the released block). Hand-crafted models (SIFT) have none.
 */
export function exactValues(): ExactValue[] {
  return listModels().flatMap((model) => {
    let comparisons: ReturnType<typeof paperParamComparisons>;
    try {
      comparisons = paperParamComparisons(model);
    } catch (e) {
      if (isInputError(e)) return []; // no network to count
      throw e;
    }
    return comparisons.flatMap((c) => c.rows.map((r) => ({ table: c.id, row: r.row, column: COUNT_COLUMN[c.id] ?? 'params', model, ours: r.ours, paper: r.paper })));
  });
}

/**
 * A printed value that differs from ours is allowed only as a pinned, known difference
 * (`results/baselines/exact-differences.csv`: layer 6's typo 147,756, layer 7's running sum, the
 * SOA blocks' Extra Params); an edited reference cell or a changed model shows up as a new or a
 * vanished difference, naming table, row, column and model.
 */
export function exactCheck(ctx: CiContext): CiCheckResult {
  const file = join(ctx.baselinesDir, 'exact-differences.csv');
  const { value: values, seconds } = timed(exactValues);
  const printed = values.filter((v) => v.paper !== null);
  const differing = printed.filter((v) => v.ours !== v.paper).map((v) => ({ table: v.table, row: v.row, column: v.column, model: v.model, ours: String(v.ours), paper: String(v.paper) }));
  const show = (r: Record<string, string>): string => `${r.table} row ${r.row} column ${r.column} (model ${r.model}): ours ${r.ours}, paper ${r.paper}`;
  const d = diffPinned(readPinned(file), differing, (r) => HEADER.map((h) => r[h]).join('\u0000'), show);
  // the released SOA block sizes (also the golden soa_params.json) are what the Extra Params rows sum
  const blockNote = `SOA block ${soaBlockParams(64).total} / ${soaBlockParams(128).total} params`;
  const changes = ctx.update
    ? [...d.added.map((s) => s.replace(/^new:/, 'known difference pinned:')), ...d.removed.map((s) => s.replace(/^gone:/, 'known difference unpinned:'))]
    : [...d.added.map((s) => s.replace(/^new:/, 'differs, not a known difference:')), ...d.removed.map((s) => s.replace(/^gone:/, 'known difference no longer seen:'))];
  const tables = [...new Set(printed.map((v) => v.table))].sort().join(', ');
  const models = new Set(printed.map((v) => v.model)).size;
  const base = { check: 'exact', table: tables, cells: printed.length, seconds, note: `${printed.length - differing.length} equal, ${differing.length} known differences (${models} models); ${blockNote}` };
  if (ctx.update) {
    if (changes.length > 0) writePinned(file, HEADER, differing);
    return { ...base, verdict: changes.length > 0 ? 'updated' : 'pass', failures: [], changes };
  }
  return { ...base, verdict: changes.length > 0 ? 'fail' : 'pass', failures: changes, changes: [] };
}
