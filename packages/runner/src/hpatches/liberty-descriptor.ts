import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '@descbench/core';
import { resolveDataRoot, type DataChoice } from '@descbench/datasets';
import { createModel, parseModelName, readSafetensors, type PatchDescriptor } from '@descbench/models';
import { presetForModel } from '../training/train-command';
import { trainingPreset, type Profile, type TrainingPreset } from '../training/presets';
import { trainDescriptor } from '../training/trainer';
import { ubcTrainingData } from '../training/ubc-training-data';

/** What to evaluate: a zoo model, and for a trained one the loss (and options) that trains it. */
export interface DescriptorRecipe {
  model: string;
  /** Default: the model family's recipe loss. */
  loss?: string;
  lossOptions?: TrainingPreset['lossOptions'];
  /** Training recipe (default: the model family's). */
  preset?: string;
}

/**
 * Where a descriptor's weights come from: `hand-crafted` (no network), `official` (the authors'
 * Liberty checkpoint, found on disk), `trained` (trained here on UBC Liberty at the profile).
 */
export type DescriptorOrigin = 'hand-crafted' | 'official' | 'trained';

/**
 * The authors' Liberty checkpoint of a zoo model, when it is on disk: the file name of its
 * official URL under `<weightsDir>/<arch>/` (default `<data root>/weights`). Undefined when the
 * model has no `liberty` weights or none is present (nothing is downloaded here).
 */
export function officialLibertyWeights(model: string, o: { weightsDir?: string; dataDir?: string } = {}): string | undefined {
  const { arch, entry } = parseModelName(model);
  const w = entry.weights.liberty;
  if (w === undefined) return undefined;
  const dir = o.weightsDir ?? join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), 'weights');
  for (const url of w.urls) {
    const f = join(dir, arch, basename(url));
    if (existsSync(f)) return f;
  }
  return undefined;
}

/**
 * How a recipe is obtained: hand-crafted models as they are; official Liberty weights when present
 * and the recipe is the model's own (no loss override) unless `weights: 'train'`; else trained.
 */
export function descriptorOrigin(r: DescriptorRecipe, o: { weightsDir?: string; dataDir?: string; weights?: 'auto' | 'train' } = {}): { origin: DescriptorOrigin; file?: string } {
  const { entry } = parseModelName(r.model);
  if (entry.spec === undefined) return { origin: 'hand-crafted' };
  if ((o.weights ?? 'auto') === 'auto' && r.loss === undefined && r.lossOptions === undefined) {
    const file = officialLibertyWeights(r.model, o);
    if (file !== undefined) return { origin: 'official', file };
  }
  return { origin: 'trained' };
}

export interface LibertyDescriptorOptions {
  profile: Profile;
  seed: number;
  data?: DataChoice;
  dataDir?: string;
  /** Patches per generated UBC subset (synthetic data). */
  patches?: number;
  /** Scratch folder for the training run (removed afterwards). */
  workDir: string;
  /** The official checkpoint to evaluate (from {@link descriptorOrigin}); absent: train (networks) or evaluate (hand-crafted). */
  officialFile?: string;
}

export interface LibertyDescriptor {
  descriptor: PatchDescriptor;
  origin: DescriptorOrigin;
  /** The official checkpoint read, if any. */
  weightsFile?: string;
  /** Data kind of the UBC training data (trained descriptors only). */
  trainData?: 'real' | 'synthetic';
  trainSeconds?: number;
  finalLoss?: number;
}

/**
 * A descriptor for an HPatches evaluation under the benchmark's protocol (trained on Liberty):
 * hand-crafted ones as they are, the official Liberty checkpoint when given, else trained here on
 * UBC Liberty (held out: Notre Dame, unused) with the recipe at the profile, on real or generated data.
 */
export async function libertyDescriptor(r: DescriptorRecipe, o: LibertyDescriptorOptions): Promise<LibertyDescriptor> {
  if (parseModelName(r.model).entry.spec === undefined) {
    if (r.loss !== undefined) throw new InputError(`model "${r.model}" is hand-crafted and cannot be trained with loss ${r.loss}`);
    return { descriptor: await createModel(r.model), origin: 'hand-crafted' };
  }
  if (o.officialFile !== undefined) return { descriptor: await createModel(`${r.model}.liberty`, { weights: o.officialFile }), origin: 'official', weightsFile: o.officialFile };
  const data = ubcTrainingData('liberty', 'notredame', { ...(o.data ? { data: o.data } : {}), ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.patches ? { patches: o.patches } : {}) });
  const out = join(o.workDir, 'train');
  const started = Date.now();
  const trained = await trainDescriptor(data, {
    preset: trainingPreset(r.preset ?? presetForModel(r.model)),
    model: r.model,
    ...(r.loss !== undefined ? { loss: r.loss } : {}),
    ...(r.lossOptions !== undefined ? { lossOptions: r.lossOptions } : {}),
    profile: o.profile,
    seed: o.seed,
    out,
    evalEachEpoch: false,
  });
  const descriptor = await createModel(r.model, { weights: readSafetensors(trained.weights).tensors });
  rmSync(out, { recursive: true, force: true });
  return {
    descriptor,
    origin: 'trained',
    trainData: data.name.startsWith('synthetic') ? 'synthetic' : 'real',
    trainSeconds: (Date.now() - started) / 1000,
    finalLoss: trained.epochs[trained.epochs.length - 1]?.loss ?? NaN,
  };
}
