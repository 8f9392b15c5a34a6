import { auditTables, loadCatalog, markdownTable } from '@descbench/runner';
import type { CommandFactory } from './index';

export const auditCommand: CommandFactory = (setExit) => ({
  command: 'audit [tables..]',
  describe: 'Check every reference table for internal consistency (means, sums, parameter counts, claims)',
  builder: (y) =>
    y
      .positional('tables', { type: 'string', array: true, describe: 'Table ids (default: all)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print findings as one JSON array on stdout' })
      .option('strict', { type: 'boolean', default: false, describe: 'Exit 1 when there is any finding' }),
  handler: (a: { tables?: string[]; json: boolean; strict: boolean }) => {
    const catalog = loadCatalog();
    const ids = a.tables && a.tables.length > 0 ? a.tables : catalog.names();
    const findings = auditTables(catalog, ids);
    if (a.json) process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else {
      const checks = ids.reduce((n, id) => n + catalog.get(id).spec.checks.length, 0);
      if (findings.length > 0) {
        const body = findings.map((f) => [f.table, f.rule, f.row ?? '', f.column ?? '', f.stated, f.computed, f.message]);
        process.stdout.write(`${markdownTable(['table', 'rule', 'row', 'column', 'stated', 'computed', 'finding'], body)}\n`);
      }
      process.stdout.write(`${findings.length} finding(s) from ${checks} check(s) over ${ids.length} table(s)\n`);
    }
    if (a.strict && findings.length > 0) setExit(1);
  },
});
