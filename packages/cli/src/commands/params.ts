import { markdownTable, modelParams, paperParamComparisons, solarParamComparisons, type PaperComparison } from '@descbench/runner';
import type { CommandFactory } from './index';

export const paramsCommand: CommandFactory = () => ({
  command: 'params <model>',
  describe: 'Per-layer parameter counts of a zoo model, beside every paper table that prints them; `params solar`: SOLAR supp. Tables 1-2',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'Model name (e.g. sosnet+soa345), or "solar" for the paper comparison' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object on stdout' }),
  handler: (a: { model: string; json: boolean }) => {
    const printPaper = (c: PaperComparison[]): void => {
      for (const t of c) {
        process.stdout.write(`${t.table}\n${markdownTable(['row', 'ours', 'paper', 'note'], t.rows.map((r) => [r.row, String(r.ours), r.paper === null ? '' : String(r.paper), r.note]))}\n\n`);
      }
    };
    if (a.model === 'solar') {
      const c = solarParamComparisons();
      if (a.json) return void process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
      return printPaper(c);
    }
    const p = modelParams(a.model);
    const paper = paperParamComparisons(a.model);
    if (a.json) return void process.stdout.write(`${JSON.stringify({ ...p, paper }, null, 2)}\n`);
    const body = p.rows.map((r) => [r.label, r.outputShape.join('x'), String(r.weights), String(r.params), String(r.buffers), String(r.cumulativeParams)]);
    body.push(['total', '', String(p.totalWeights), String(p.totalParams), '', '']);
    process.stdout.write(`${p.model}\n${markdownTable(['layer', 'output CxHxW', 'kernel weights', 'params', 'buffers', 'cumulative params'], body)}\n\n`);
    if (paper.length === 0) process.stdout.write(`no reference table in benchmarks/ prints parameter counts for ${p.model}\n`);
    printPaper(paper);
  },
});
