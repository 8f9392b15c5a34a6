import { loadCatalog, showTable, type ShowFormat } from '@descbench/runner';
import type { CommandFactory } from './index';

export const showCommand: CommandFactory = () => ({
  command: 'show <table>',
  describe: 'Print a reference table as the paper prints it, with its provenance',
  builder: (y) =>
    y
      .positional('table', { type: 'string', demandOption: true, describe: 'Table id from `bench list`' })
      .option('format', { choices: ['md', 'csv', 'json'] as const, default: 'md' as const, describe: 'Output format' }),
  handler: (a: { table: string; format: ShowFormat }) => {
    process.stdout.write(`${showTable(loadCatalog(), a.table, a.format).replace(/\n$/, '')}\n`);
  },
});
