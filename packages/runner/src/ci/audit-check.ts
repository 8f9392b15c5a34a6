import { join } from 'node:path';
import type { Registry } from '@descbench/core';
import { auditTables } from '../audit/audit';
import type { ReferenceTable } from '../tables/reference-table';
import { diffPinned, readPinned, timed, writePinned, type CiCheckResult, type CiContext } from './check';

const HEADER = ['table', 'rule', 'check', 'row', 'column', 'stated', 'computed'];
const key = (r: Record<string, string>): string => HEADER.map((h) => r[h] ?? '').join('\u0000');
const show = (r: Record<string, string>): string =>
  `${r.table}${r.row ? ` row ${r.row}` : ''}${r.column ? ` column ${r.column}` : ''} (${r.rule} #${r.check}): stated ${r.stated}, computed ${r.computed}`;

/**
 * The audit against the pinned list of findings (`results/baselines/audit-findings.csv`): a new
 * finding means a reference CSV or table.json changed (or a rule did); a vanished one too.
 */
export function auditCheck(catalog: Registry<ReferenceTable>, ctx: CiContext): CiCheckResult {
  const file = join(ctx.baselinesDir, 'audit-findings.csv');
  const { value: findings, seconds } = timed(() => auditTables(catalog));
  const now = findings.map((f) => ({ table: f.table, rule: f.rule, check: String(f.check), row: f.row ?? '', column: f.column ?? '', stated: f.stated, computed: f.computed }));
  const d = diffPinned(readPinned(file), now, key, show);
  const changes = [...d.added, ...d.removed];
  const base = { check: 'audit', table: '*', cells: now.length, seconds, note: `${now.length} finding(s), all pinned` };
  if (ctx.update) {
    if (changes.length > 0) writePinned(file, HEADER, now);
    return { ...base, verdict: changes.length > 0 ? 'updated' : 'pass', failures: [], changes, note: `${now.length} finding(s)` };
  }
  return { ...base, verdict: changes.length > 0 ? 'fail' : 'pass', failures: changes, changes: [], ...(changes.length > 0 ? { note: `${d.added.length} new, ${d.removed.length} gone` } : {}) };
}
