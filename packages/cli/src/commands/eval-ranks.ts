import { evalRanks, markdownTable } from '@descbench/runner';
import type { CommandFactory } from './index';

export const evalRanksCommand: CommandFactory = () => ({
  command: 'eval-ranks',
  describe: 'Revisited Oxford/Paris mAP and mP@1,5,10 (Easy/Medium/Hard) of a ranking, as revisitop computes them',
  builder: (y) =>
    y
      .option('gnd', { type: 'string', demandOption: true, describe: 'Ground truth pickle, e.g. gnd_roxford5k.pkl' })
      .option('ranks', { type: 'string', demandOption: true, describe: 'Ranking (.npy or text), 0-based database indices' })
      .option('layout', {
        choices: ['db-x-queries', 'queries-x-db'] as const,
        default: 'db-x-queries' as const,
        describe: 'db-x-queries: one column per query (revisitop); queries-x-db: one row per query',
      })
      .option('distractors', { type: 'number', default: 0, describe: 'Distractor images ranked after the database (R1M: 1001001); their indices follow the ground truth images' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout (fractions in [0, 1])' }),
  handler: (a: { gnd: string; ranks: string; layout: 'db-x-queries' | 'queries-x-db'; distractors: number; json: boolean }) => {
    const r = evalRanks({ gnd: a.gnd, ranks: a.ranks, layout: a.layout, distractors: a.distractors });
    if (a.json) {
      const out = { easy: r.easy, medium: r.medium, hard: r.hard };
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    const pct = (v: number): string => (100 * v).toFixed(2);
    const rows = (['easy', 'medium', 'hard'] as const).map((p) => [p, pct(r[p].mAP), ...r[p]['mP@k'].map(pct)]);
    process.stdout.write(`${markdownTable(['protocol', 'mAP (%)', ...r.kappas.map((k) => `mP@${k} (%)`)], rows)}\n`);
    process.stdout.write(`${r.queries} queries, ${r.dbSize} database images, ${r.depth} ranked per query\n`);
  },
});
