import { loadCatalog, reportFromRecordFile } from '@descbench/runner';
import type { CommandFactory } from './index';

export const reportCommand: CommandFactory = () => ({
  command: 'report <record>',
  describe: "Render a replay's report again from its run record: report.md (+ plots/*.svg) and a self-contained report.html",
  builder: (y) =>
    y
      .positional('record', { type: 'string', demandOption: true, describe: 'results/<paper>/<table>/results_<timestamp>.json' })
      .option('out', { type: 'string', describe: "Folder for the report (default: the record's folder)" })
      .option('json', { type: 'boolean', default: false, describe: 'Print the written paths as JSON on stdout' }),
  handler: async (a: { record: string; out?: string; json: boolean }) => {
    const files = await reportFromRecordFile(loadCatalog(), a.record, a.out);
    process.stdout.write(a.json ? `${JSON.stringify(files)}\n` : `report: ${files.html}\nmarkdown: ${files.md}\n`);
  },
});
