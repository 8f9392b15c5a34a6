import { fetchDatasets, markdownTable } from '@descbench/runner';
import type { CommandFactory } from './index';

export const fetchCommand: CommandFactory = () => ({
  command: 'fetch [datasets..]',
  describe: 'Download datasets from their official homes into the data root (resumable; --list shows what is present)',
  builder: (y) =>
    y
      .positional('datasets', { type: 'string', array: true, describe: 'Catalog names, e.g. ubc-liberty hpatches roxford5k' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('force', { type: 'boolean', default: false, describe: 'Fetch again even if present' })
      .option('list', { type: 'boolean', default: false, describe: 'Show the catalog and what is present' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout' }),
  handler: async (a: { datasets?: string[]; dataDir?: string; force: boolean; list: boolean; json: boolean }) => {
    const r = await fetchDatasets({ datasets: a.datasets ?? [], ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}), force: a.force, list: a.list });
    if (a.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    for (const f of r.fetched) process.stdout.write(`${f.name}: ${f.skipped ? 'already present' : 'fetched'} in ${f.dir}\n`);
    if (a.list || r.fetched.length === 0) {
      process.stdout.write(`data root: ${r.root}\n`);
      process.stdout.write(`${markdownTable(['dataset', 'present', 'folder', 'what'], r.status.map((s) => [s.name, s.present ? 'yes' : 'no', s.dir, s.description]))}\n`);
    }
  },
});
