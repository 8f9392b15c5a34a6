import { attentionMaps, parseAt } from '@descbench/runner';
import type { CommandFactory } from './index';

export const attentionCommand: CommandFactory = () => ({
  command: 'attention',
  describe: 'SOLAR Fig. 1: attention of each SOA block from one query point of a patch, as a PNG',
  builder: (y) =>
    y
      .option('model', { type: 'string', default: 'sosnet+soa345', describe: 'A sosnet+soa* model' })
      .option('weights', { type: 'string', describe: 'PyTorch checkpoint (e.g. solar_local345-liberty.pth); absent: seeded random weights' })
      .option('input', { type: 'string', demandOption: true, describe: 'Grey PNG of one patch (32, 64 or 65 px square)' })
      .option('at', { type: 'string', demandOption: true, describe: 'Query pixel x,y in the input patch' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output PNG' })
      .option('seed', { type: 'number' })
      .option('json', { type: 'boolean', default: false }),
  handler: async (a: { model: string; weights?: string; input: string; at: string; out: string; seed?: number; json: boolean }) => {
    const r = await attentionMaps({
      model: a.model,
      input: a.input,
      at: parseAt(a.at),
      out: a.out,
      ...(a.weights !== undefined ? { weights: a.weights } : {}),
      ...(a.seed !== undefined ? { seed: a.seed } : {}),
    });
    if (a.json) return void process.stdout.write(`${JSON.stringify(r)}\n`);
    const lines = r.blocks.map((b) => `SOA${b.after}: ${b.grid}x${b.grid} grid, query cell (${b.cell.col}, ${b.cell.row}), peak ${b.maxWeight.toFixed(4)} at (${b.argmax.col}, ${b.argmax.row})`);
    process.stdout.write(`${lines.join('\n')}\n-> ${r.out}\n`);
  },
});
