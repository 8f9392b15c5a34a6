import { compareResults, csvTable, loadCatalog, markdownTable } from '@descbench/runner';
import type { CommandFactory } from './index';

const num = (v: number | null): string => (v === null ? '' : String(Number(v.toPrecision(6))));

export const compareCommand: CommandFactory = (setExit) => ({
  command: 'compare <results>',
  describe: 'Compare a results CSV with a reference table, cell by cell (exit 1 if a cell is worse; inconclusive cells are counted apart)',
  builder: (y) =>
    y
      .positional('results', { type: 'string', demandOption: true, describe: 'CSV: row, [label], value columns, [<col>_std]' })
      .option('reference', { type: 'string', demandOption: true, describe: 'Table id from `bench list`' })
      .option('tolerance', { type: 'number', default: 0, describe: "Absolute tolerance in the column's unit (the reference's printed rounding always applies)" })
      .option('sigmas', { type: 'number', default: 2, describe: 'Allowed difference in combined standard deviations (reference std and run std)' })
      .option('resolution', { type: 'number', default: 0.25, describe: 'A cell inside the allowance is inconclusive when sigmas x combined std exceeds this fraction of the reference (and the rounding/tolerance)' })
      .option('format', { choices: ['md', 'csv'] as const, default: 'md' as const, describe: 'Table format on stdout' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON on stdout' }),
  handler: (a: { results: string; reference: string; tolerance: number; sigmas: number; resolution: number; format: 'md' | 'csv'; json: boolean }) => {
    const report = compareResults(loadCatalog(), a.reference, a.results, { tolerance: a.tolerance, sigmas: a.sigmas, resolution: a.resolution });
    if (a.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const header = ['row', 'column', 'ours', 'ours_std', 'reference', 'reference_std', 'delta', 'allowed', 'verdict'];
      const body = report.cells.map((c) => [c.row, c.column, num(c.ours), num(c.ours_std), num(c.reference), num(c.reference_std), num(c.delta), num(c.allowed), c.verdict]);
      process.stdout.write(a.format === 'csv' ? csvTable(header, body) : `${markdownTable(header, body)}\n`);
      const s = report.summary;
      process.stderr.write(`${report.cells.length} cell(s): ${s.within} within, ${s.inconclusive} inconclusive, ${s.better} better, ${s.worse} worse, ${s.differs} differ${report.unmatched.length ? `; ${report.unmatched.length} without a printed reference` : ''}\n`);
    }
    setExit(report.exit_code);
  },
});
