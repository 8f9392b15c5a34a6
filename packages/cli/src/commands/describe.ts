import { BACKENDS, InputError, parseBackendName } from '@descbench/core';
import { describeHPatches, describePatches } from '@descbench/runner';
import type { CommandFactory } from './index';

export const describeCommand: CommandFactory = () => ({
  command: 'describe',
  describe: 'Compute descriptors of patches (UBC .bmp tile or folder, HPatches .png strip or sequence folder) into a [N, dim] .npy, or of an HPatches patch release into the hpatches-benchmark layout (--format hpatches-csv|hpatches-npy)',
  builder: (y) =>
    y
      .option('model', { type: 'string', demandOption: true, describe: 'Zoo model, optionally tagged (hardnet.liberty)' })
      .option('weights', { type: 'string', describe: 'PyTorch checkpoint (.pth/.params); absent: seeded random weights' })
      .option('input', { type: 'string', demandOption: true, describe: 'Patches: .bmp tile, .png strip, or a folder' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output .npy (float32 [N, dim]); with --format hpatches-*: the descriptor root folder' })
      .option('format', {
        choices: ['npy', 'hpatches-csv', 'hpatches-npy'] as const,
        default: 'npy' as const,
        describe: 'npy: one [N, dim] array; hpatches-csv / hpatches-npy: --input is a patch release (or one sequence), written as <out>/<sequence>/<type>.csv|.npy (resumes per sequence)',
      })
      .option('limit', { type: 'number', describe: 'Only the first N patches' })
      .option('runtime', { choices: ['onnx', 'tfjs'] as const, default: 'onnx' as const, describe: 'Inference engine' })
      .option('backend', { type: 'string', default: 'auto', describe: `tfjs backend for --runtime tfjs: ${BACKENDS.join(', ')}` })
      .option('batch-size', { type: 'number', default: 256 })
      .option('resize', { choices: ['box2x2', 'box2x2-float', 'pil-antialias', 'opencv-linear'] as const, describe: 'Downsampling to the model size (default box2x2 for 2x: OpenCV uint8; box2x2-float keeps the mean unrounded; else pil-antialias; opencv-linear: cv2.resize INTER_LINEAR at any scale)' })
      .option('seed', { type: 'number', describe: 'Seed of random weights (no --weights)' })
      .option('providers', { type: 'string', default: 'cpu', describe: 'onnxruntime execution providers, comma-separated (cpu, webgpu, cuda)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print a JSON summary on stdout' }),
  handler: async (a: {
    model: string;
    weights?: string;
    input: string;
    out: string;
    limit?: number;
    runtime: 'onnx' | 'tfjs';
    backend: string;
    batchSize: number;
    resize?: 'box2x2' | 'box2x2-float' | 'pil-antialias' | 'opencv-linear';
    seed?: number;
    providers: string;
    json: boolean;
    format: 'npy' | 'hpatches-csv' | 'hpatches-npy';
  }) => {
    const providers = a.providers.split(',').map((p) => p.trim());
    const bad = providers.filter((p) => !['cpu', 'webgpu', 'cuda'].includes(p));
    if (bad.length > 0) throw new InputError(`unknown ONNX provider(s) ${bad.join(', ')}; expected cpu, webgpu or cuda`, { at: '--providers' });
    if (a.format !== 'npy') {
      if (a.limit !== undefined) throw new InputError('--limit does not apply to --format hpatches-*: every patch of every strip is described', { at: '--limit' });
      const h = await describeHPatches({
        model: a.model,
        input: a.input,
        out: a.out,
        format: a.format === 'hpatches-csv' ? 'csv' : 'npy',
        runtime: a.runtime,
        backend: parseBackendName(a.backend),
        batchSize: a.batchSize,
        providers: providers as ('cpu' | 'webgpu' | 'cuda')[],
        ...(a.weights !== undefined ? { weights: a.weights } : {}),
        ...(a.resize !== undefined ? { resize: a.resize } : {}),
        ...(a.seed !== undefined ? { seed: a.seed } : {}),
      });
      process.stdout.write(
        a.json
          ? `${JSON.stringify(h)}\n`
          : `${h.described.length} sequence(s) described (${h.patches} patches, dim ${h.dim})${h.skipped.length > 0 ? `, ${h.skipped.length} already there` : ''} -> ${h.out}/<sequence>/<type>.${h.format} in ${h.seconds.toFixed(1)} s\n`,
      );
      return;
    }
    const r = await describePatches({
      model: a.model,
      input: a.input,
      out: a.out,
      runtime: a.runtime,
      backend: parseBackendName(a.backend),
      batchSize: a.batchSize,
      providers: providers as ('cpu' | 'webgpu' | 'cuda')[],
      ...(a.weights !== undefined ? { weights: a.weights } : {}),
      ...(a.limit !== undefined ? { limit: a.limit } : {}),
      ...(a.resize !== undefined ? { resize: a.resize } : {}),
      ...(a.seed !== undefined ? { seed: a.seed } : {}),
    });
    process.stdout.write(a.json ? `${JSON.stringify(r)}\n` : `${r.count} descriptors of dim ${r.dim} (${r.runtime}) -> ${r.out} in ${r.seconds.toFixed(1)} s\n`);
  },
});
