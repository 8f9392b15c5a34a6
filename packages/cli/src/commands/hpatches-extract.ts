import { extractHPatchesSequences } from '@descbench/runner';
import type { CommandFactory } from './index';

export const hpatchesExtractCommand: CommandFactory = () => ({
  command: 'hpatches-extract',
  describe:
    'HPatches patch release (65x65 strips ref, e1..e5, h1..h5, t1..t5) from image sequences (1..6.ppm, H_1_2..H_1_6); resumes per sequence. ' +
    'Jitter: median overlap 0.85 easy, 0.72 hard (HPatches README), 0.6 tough (our choice); not the released patches',
  builder: (y) =>
    y
      .option('sequences', { type: 'string', demandOption: true, describe: 'Sequences release root (i_*/v_* folders) or one sequence folder' })
      .option('out', { type: 'string', demandOption: true, describe: 'Patch release root to write: <out>/<sequence>/<type>.png' })
      .option('max-patches', { type: 'number', default: 1000, describe: 'At most this many patches per sequence (strongest DoG detections)' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed of the jitter draws' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout' }),
  handler: (a: { sequences: string; out: string; maxPatches: number; seed: number; json: boolean }) => {
    const r = extractHPatchesSequences({ sequences: a.sequences, out: a.out, maxPatches: a.maxPatches, seed: a.seed });
    if (a.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    const n = r.sequences.length - r.skipped.length;
    process.stdout.write(`${n} sequence(s) extracted${r.skipped.length > 0 ? `, ${r.skipped.length} already there` : ''} -> ${r.out}/<sequence>/{ref,e1..e5,h1..h5,t1..t5}.png\n`);
  },
});
