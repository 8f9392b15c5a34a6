import { join } from 'node:path';
import { UBC_SUBSETS } from '@descbench/datasets';
import { useTfjsBackend } from '@descbench/models';
import { log, parseBackendName } from '@descbench/core';
import { parseProfile, trainingPreset } from './presets';
import { trainDescriptor, type TrainResult } from './trainer';
import { parseUbcDataSpec, ubcTrainingData, type UbcSourceOptions } from './ubc-training-data';

export interface TrainCommandOptions extends UbcSourceOptions {
  model: string;
  loss?: string;
  /** Training recipe; default: the model family's (hardnet, sosnet, hynet). */
  preset?: string;
  /** `ubc:<subset>`. */
  train: string;
  /** `ubc:<subset>`; default: the first other subset. */
  heldOut?: string;
  profile: string;
  seed: number;
  epochs?: number;
  pairsPerBatch?: number;
  stepsPerEpoch?: number;
  out: string;
  backend: string;
}

/** The preset of a model family: sosnet -> sosnet, SOLAR's sosnet+* -> solar-sosnet+, hynet -> hynet, anything else L2-Net-like -> hardnet. */
export function presetForModel(model: string): string {
  const arch = model.split('.')[0] as string;
  if (arch.startsWith('sosnet+')) return 'solar-sosnet+';
  if (arch.startsWith('sosnet')) return 'sosnet';
  if (arch.startsWith('hynet')) return 'hynet';
  return 'hardnet';
}

/** `bench train`: one training run, resumable, into `out`. */
export async function runTrainCommand(o: TrainCommandOptions): Promise<TrainResult> {
  const choice = await useTfjsBackend(parseBackendName(o.backend));
  log.info(`tfjs backend: ${choice.backend} (${choice.why})`);
  const train = parseUbcDataSpec(o.train);
  const heldOut = o.heldOut !== undefined ? parseUbcDataSpec(o.heldOut, '--held-out') : (UBC_SUBSETS.find((s) => s !== train) as typeof train);
  const data = ubcTrainingData(train, heldOut, o);
  const preset = trainingPreset(o.preset ?? presetForModel(o.model));
  return trainDescriptor(data, {
    preset,
    profile: parseProfile(o.profile),
    seed: o.seed,
    model: o.model,
    ...(o.loss !== undefined ? { loss: o.loss } : {}),
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
    ...(o.pairsPerBatch !== undefined ? { pairsPerBatch: o.pairsPerBatch } : {}),
    ...(o.stepsPerEpoch !== undefined ? { stepsPerEpoch: o.stepsPerEpoch } : {}),
    out: o.out,
  });
}

export const defaultTrainOut = (model: string, train: string, seed: number): string => join('results', 'train', `${model}-${train.replace(':', '-')}-s${seed}`);
