import { evalPairs } from '@descbench/runner';
import type { CommandFactory } from './index';

export const evalPairsCommand: CommandFactory = () => ({
  command: 'eval-pairs',
  describe: 'FPR@95 of pair distances on UBC PhotoTour pairs (m50_*.txt) under the HardNet or HyNet convention',
  builder: (y) =>
    y
      .option('pairs', { type: 'string', demandOption: true, describe: 'Pairs file, e.g. m50_100000_100000_0.txt' })
      .option('distances', { type: 'string', demandOption: true, describe: 'One distance per pair: .npy or text, one per line' })
      .option('convention', {
        choices: ['hardnet', 'hynet'] as const,
        default: 'hardnet' as const,
        describe: 'hardnet: negatives ranked before the 95% recall point (ties: negatives first); hynet: negatives <= the sorted positive at ceil(0.95P)',
      })
      .option('ties', {
        choices: ['negatives-first', 'positives-first'] as const,
        default: 'negatives-first' as const,
        describe: 'HardNet tie rule for negatives at the threshold distance',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout' }),
  handler: (a: { pairs: string; distances: string; convention: 'hardnet' | 'hynet'; ties: 'negatives-first' | 'positives-first'; json: boolean }) => {
    const r = evalPairs({ pairs: a.pairs, distances: a.distances, convention: a.convention, ties: a.ties });
    if (a.json) {
      process.stdout.write(`${JSON.stringify({ fpr95: r.fpr95, convention: r.convention })}\n`);
      return;
    }
    const rule = r.ties !== undefined ? `, ties ${r.ties}` : '';
    process.stdout.write(`FPR@95 = ${(100 * r.fpr95).toFixed(2)}% (${r.convention} convention${rule}); threshold ${r.threshold}; ${r.positives} positives, ${r.negatives} negatives\n`);
  },
});
