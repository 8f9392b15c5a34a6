import { generateData, GENERATE_KINDS, type GenerateKind } from '@descbench/runner';
import type { CommandFactory } from './index';

export const generateCommand: CommandFactory = () => ({
  command: 'generate <kind>',
  describe: 'Write generated data in the official formats (ubc: BMP tiles + info + m50; hpatches: release strips + splits; revisitop: gnd pickle + npy features)',
  builder: (y) =>
    y
      .positional('kind', { choices: GENERATE_KINDS, describe: 'Which dataset format' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output folder' })
      .option('seed', { type: 'number', default: 0 })
      .option('patches', { type: 'number', describe: 'ubc: total patches (450092 = liberty size); hpatches: patches per sequence' })
      .option('pairs', { type: 'number', describe: 'ubc: m50 test pairs (half positive)' })
      .option('sequences', { type: 'number', describe: 'hpatches: sequences (half i_, half v_)' })
      .option('name', { type: 'string', describe: 'revisitop: dataset name (gnd_<name>.pkl)' })
      .option('images', { type: 'number', describe: 'revisitop: database images' })
      .option('queries', { type: 'number', describe: 'revisitop: queries' })
      .option('dim', { type: 'number', describe: 'revisitop: descriptor dimension' })
      .option('distractors', { type: 'number', describe: 'revisitop: R1M-style distractor descriptors' })
      .option('difficulty', { type: 'number', describe: 'revisitop: 0 (easy) .. 1 (hard)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout' }),
  handler: (a: { kind: GenerateKind; out: string; seed: number; json: boolean } & Record<string, unknown>) => {
    const pick = (k: string): Record<string, unknown> => (a[k] !== undefined ? { [k]: a[k] } : {});
    const r = generateData({
      kind: a.kind,
      out: a.out,
      seed: a.seed,
      ...pick('patches'),
      ...pick('pairs'),
      ...pick('sequences'),
      ...pick('name'),
      ...pick('images'),
      ...pick('queries'),
      ...pick('dim'),
      ...pick('distractors'),
      ...pick('difficulty'),
    });
    if (a.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(`generated ${r.kind} data in ${r.dir}\n`);
  },
});
