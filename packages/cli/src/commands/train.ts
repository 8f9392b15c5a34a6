import { runTrainCommand } from '@descbench/runner';
import type { CommandFactory } from './index';

export const trainCommand: CommandFactory = () => ({
  command: 'train',
  describe: 'Train a patch descriptor (seeded, resumable; checkpoints and metrics.jsonl in --out)',
  builder: (y) =>
    y
      .option('model', { type: 'string', demandOption: true, describe: 'Model registry name, e.g. l2net, hardnet, sosnet+soa34, hynet' })
      .option('loss', { type: 'string', describe: "Loss registry name (default: the preset's)" })
      .option('preset', { type: 'string', describe: "Training recipe: hardnet, sosnet, hynet (default: the model family's)" })
      .option('data', { type: 'string', default: 'ubc:liberty', describe: 'Training set, ubc:<subset>' })
      .option('held-out', { type: 'string', describe: 'Held-out pairs for per-epoch FPR@95, ubc:<subset> (default: the next subset)' })
      .option('source', { choices: ['auto', 'real', 'synthetic'] as const, default: 'auto' as const, describe: 'Real data, generated data, or real when present (announced)' })
      .option('data-dir', { type: 'string', describe: 'Data root (default: $DESCBENCH_DATA, else ~/.cache/descbench)' })
      .option('patches', { type: 'number', describe: 'Patches per generated subset (synthetic data)' })
      .option('profile', { choices: ['tiny', 'smoke', 'quick', 'paper'] as const, default: 'smoke' as const, describe: 'Scale of the recipe' })
      .option('seed', { type: 'number', default: 1 })
      .option('epochs', { type: 'number', describe: "Override the profile's epochs" })
      .option('pairs-per-batch', { type: 'number', describe: "Override the profile's anchor-positive pairs per batch" })
      .option('steps-per-epoch', { type: 'number', describe: "Override the profile's steps per epoch" })
      .option('backend', { type: 'string', default: 'auto', describe: 'auto|tensorflow|tensorflow-gpu|webgpu|wasm|cpu' })
      .option('out', { type: 'string', demandOption: true, describe: 'Run folder (resumes when it holds the same run)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' }),
  handler: async (a: {
    model: string; loss?: string; preset?: string; data: string; heldOut?: string; source: 'auto' | 'real' | 'synthetic';
    dataDir?: string; patches?: number; profile: string; seed: number; epochs?: number; pairsPerBatch?: number; stepsPerEpoch?: number; backend: string; out: string; json: boolean;
  }) => {
    const r = await runTrainCommand({
      model: a.model, train: a.data, profile: a.profile, seed: a.seed, out: a.out, backend: a.backend, data: a.source,
      ...(a.loss !== undefined ? { loss: a.loss } : {}), ...(a.preset !== undefined ? { preset: a.preset } : {}),
      ...(a.heldOut !== undefined ? { heldOut: a.heldOut } : {}), ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}),
      ...(a.patches !== undefined ? { patches: a.patches } : {}), ...(a.epochs !== undefined ? { epochs: a.epochs } : {}),
      ...(a.pairsPerBatch !== undefined ? { pairsPerBatch: a.pairsPerBatch } : {}), ...(a.stepsPerEpoch !== undefined ? { stepsPerEpoch: a.stepsPerEpoch } : {}),
    });
    if (a.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
      process.stdout.write(`untrained FPR@95 ${pct(r.initialFpr95)}\n`);
      for (const e of r.epochs) process.stdout.write(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, FPR@95 ${pct(e.fpr95)} on ${e.held_out} (${e.seconds.toFixed(1)} s)\n`);
      process.stdout.write(`weights: ${r.weights}\n`);
    }
  },
});
