import { join } from 'node:path';
import { soaBlockParams } from '@descbench/models';
import { solarParamComparisons } from '../models/params';
import { diffPinned, readPinned, timed, writePinned, type CiCheckResult, type CiContext } from './check';

const HEADER = ['table', 'row', 'column', 'ours', 'paper'];

interface ExactValue {
  table: string;
  row: string;
  column: string;
  ours: number;
  paper: number | null;
}

/**
 * Numbers the project computes exactly beside the paper's printed ones: SOLAR supp. Table 2
 * (L2-Net conv weights per layer) and Table 1's Extra Params column, from the released
 * architecture (`bench params solar`). A printed value that differs is allowed only as a pinned,
 * known difference (`results/baselines/exact-differences.csv`, e.g. layer 6's typo 147,756); an
 * edited reference cell or a changed model shows up as a new or vanished difference.
 */
export function exactValues(): ExactValue[] {
  return solarParamComparisons().flatMap((t) => {
    const table = t.table.split(' ')[0] as string;
    const column = table === 'solar-supp/table2' ? 'cumulative_params_count' : 'extra_params_count';
    return t.rows.map((r) => ({ table, row: r.row, column, ours: r.ours, paper: r.paper }));
  });
}

export function exactCheck(ctx: CiContext): CiCheckResult {
  const file = join(ctx.baselinesDir, 'exact-differences.csv');
  const { value: values, seconds } = timed(exactValues);
  const printed = values.filter((v) => v.paper !== null);
  const differing = printed.filter((v) => v.ours !== v.paper).map((v) => ({ table: v.table, row: v.row, column: v.column, ours: String(v.ours), paper: String(v.paper) }));
  const show = (r: Record<string, string>): string => `${r.table} row ${r.row} column ${r.column}: ours ${r.ours}, paper ${r.paper}`;
  const d = diffPinned(readPinned(file), differing, (r) => HEADER.map((h) => r[h]).join('\u0000'), show);
  // the released SOA block sizes (also the golden soa_params.json) are what the Extra Params rows sum
  const blockNote = `SOA block ${soaBlockParams(64).total} / ${soaBlockParams(128).total} params`;
  const changes = ctx.update
    ? [...d.added.map((s) => s.replace(/^new:/, 'known difference pinned:')), ...d.removed.map((s) => s.replace(/^gone:/, 'known difference unpinned:'))]
    : [...d.added.map((s) => s.replace(/^new:/, 'differs, not a known difference:')), ...d.removed.map((s) => s.replace(/^gone:/, 'known difference no longer seen:'))];
  const base = { check: 'exact', table: 'solar-supp/table1,2', cells: printed.length, seconds, note: `${printed.length - differing.length} equal, ${differing.length} known differences; ${blockNote}` };
  if (ctx.update) {
    if (changes.length > 0) writePinned(file, HEADER, differing);
    return { ...base, verdict: changes.length > 0 ? 'updated' : 'pass', failures: [], changes };
  }
  return { ...base, verdict: changes.length > 0 ? 'fail' : 'pass', failures: changes, changes: [] };
}
