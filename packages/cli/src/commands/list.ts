import { listTables, loadCatalog, markdownTable } from '@descbench/runner';
import { InputError } from '@descbench/core';
import type { CommandFactory } from './index';

export const listCommand: CommandFactory = () => ({
  command: 'list [filter]',
  describe: 'List every reference table and figure of the papers',
  builder: (y) =>
    y
      .positional('filter', { type: 'string', describe: 'Glob on table ids, e.g. "hynet/*"' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON array on stdout' }),
  handler: (a: { filter?: string; json: boolean }) => {
    const rows = listTables(loadCatalog(), a.filter);
    if (rows.length === 0 && a.filter !== undefined) {
      throw new InputError(`no table or figure id matches "${a.filter}"; ids look like hynet/table1 or solar-supp/*, and \`bench list\` shows them all`);
    }
    if (a.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const body = rows.map((r) => [
      r.id,
      r.document,
      r.number,
      r.title,
      r.metric ?? '',
      r.datasets.join(' '),
      String(r.seeds),
      r.replay.here ? `${r.replay.command}${r.replay.needs.length ? `; paper scale: ${r.replay.needs.join(', ')}` : ''}` : 'no',
    ]);
    process.stdout.write(`${markdownTable(['id', 'document', 'number', 'title', 'metric', 'datasets', 'seeds', 'replay'], body)}\n`);
  },
});
