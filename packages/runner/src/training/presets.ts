import { InputError } from '@descbench/core';

/**
 * Training recipes of the papers, by name, each stating where it comes from. A profile scales a
 * recipe to the machine: `paper` is the recipe as published; `quick`, `smoke` and `tiny` shrink
 * batches, steps and epochs (never the optimiser or the loss) so that a run fits a CPU.
 */
export interface TrainingPreset {
  name: string;
  /** Where the numbers come from. */
  source: string;
  model: string;
  loss: string;
  lossOptions: Record<string, number | boolean | string>;
  optimizer: { kind: 'sgd'; momentum: number; dampening: number; weightDecay: number } | { kind: 'adam'; beta1: number; beta2: number; eps: number; weightDecay: number };
  lr: number;
  /** `linear`: HardNet's per-step decay to 0 over the run; `constant`: no schedule. */
  schedule: 'linear' | 'constant';
  /** Anchor-positive pairs per batch (patches per batch = 2x). */
  pairsPerBatch: number;
  epochs: number;
  /** Steps per epoch: a number, or `points` for one pass over the 3D points (HyNet/SOSNet loaders). */
  stepsPerEpoch: number | 'points';
  /** Random flip and 90-degree rotation, the same for both patches of a pair (HardNet `--fliprot`). */
  flipRot: boolean;
}

/** SOSNet's recipe (its authors' trainer), shared by SOLAR's SOSNet+ re-implementation below. */
const SOSNET_RECIPE: TrainingPreset = {
  name: 'sosnet',
  source: 'yuruntian/HyNet train.py with desc_name SOSNet (the SOSNet authors\' trainer): Adam lr 1e-2, 512 points x 2 patches per batch, one pass over the points per epoch, margin 1, SOS k = 8, flip/rot augmentation, 200 epochs',
  model: 'sosnet',
  loss: 'sosnet',
  lossOptions: { margin: 1, k: 8 },
  optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  lr: 1e-2,
  schedule: 'constant',
  pairsPerBatch: 512,
  epochs: 200,
  stepsPerEpoch: 'points',
  flipRot: true,
};

export const TRAINING_PRESETS: Record<string, TrainingPreset> = {
  hardnet: {
    name: 'hardnet',
    source: 'DagnyT/hardnet code/HardNet.py: SGD(momentum 0.9, dampening 0.9, weight decay 1e-4), lr 10 decayed linearly per step, 1024 pairs, 10 epochs of 5,000,000 pairs, dropout 0.3, --fliprot',
    model: 'hardnet',
    loss: 'hardnet',
    lossOptions: { margin: 1, anchorSwap: true },
    optimizer: { kind: 'sgd', momentum: 0.9, dampening: 0.9, weightDecay: 1e-4 },
    lr: 10,
    schedule: 'linear',
    pairsPerBatch: 1024,
    epochs: 10,
    stepsPerEpoch: Math.floor(5_000_000 / 1024),
    flipRot: true,
  },
  sosnet: SOSNET_RECIPE,
  'solar-sosnet+': {
    ...SOSNET_RECIPE,
    name: 'solar-sosnet+',
    source: "SOLAR supplementary, Table 1 caption and Table 2 text: SOSNet+ is the authors' re-implementation of SOSNet with data augmentation (dropout 0.1 between layers 6 and 7); SOLAR's local training code is not released, so SOSNet's recipe (yuruntian/HyNet train.py with desc_name SOSNet: Adam lr 1e-2, 512 points x 2 patches, margin 1, SOS k = 8, flip/rot augmentation, 200 epochs) on SOSNet+ and its SOA variants",
    model: 'sosnet+',
  },
  hynet: {
    name: 'hynet',
    source: 'yuruntian/HyNet train.py and the HyNet paper Sec. 4: Adam lr 1e-2, 512 points x 2 patches (batch 1024), 200 epochs, alpha 2, margin 1.2, gamma 0.1, dropout 0.3, no lr schedule, flip/rot augmentation',
    model: 'hynet',
    loss: 'hynet',
    lossOptions: { alpha: 2, margin: 1.2, gamma: 0.1 },
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    lr: 1e-2,
    schedule: 'constant',
    pairsPerBatch: 512,
    epochs: 200,
    stepsPerEpoch: 'points',
    flipRot: true,
  },
};

export const PROFILES = ['tiny', 'smoke', 'quick', 'paper'] as const;
export type Profile = (typeof PROFILES)[number];

/** What a profile changes in a preset: batch, steps, epochs, and the held-out pairs evaluated per epoch. */
export interface ProfileScale {
  pairsPerBatch?: number;
  stepsPerEpoch?: number;
  epochs?: number;
  heldOutPairs?: number;
}

export const PROFILE_SCALES: Record<Profile, ProfileScale> = {
  // A pipeline check: every part runs (a few optimiser steps), nothing is learnt to speak of.
  tiny: { pairsPerBatch: 16, stepsPerEpoch: 4, epochs: 1, heldOutPairs: 500 },
  // The smallest run that learns: on generated UBC data, L2-Net with HardNet's recipe goes from
  // 44.4% to 31.2% FPR@95 (seed 7; packages/runner/src/training/trainer.test.ts).
  smoke: { pairsPerBatch: 64, stepsPerEpoch: 12, epochs: 3, heldOutPairs: 1000 },
  quick: { pairsPerBatch: 128, stepsPerEpoch: 100, epochs: 5, heldOutPairs: 10000 },
  paper: {},
};

export function parseProfile(s: string): Profile {
  if ((PROFILES as readonly string[]).includes(s)) return s as Profile;
  throw new InputError(`unknown profile "${s}"; expected one of ${PROFILES.join(', ')}`, { at: '--profile' });
}

export function trainingPreset(name: string): TrainingPreset {
  const p = TRAINING_PRESETS[name];
  if (p === undefined) throw new InputError(`unknown training preset "${name}"; known: ${Object.keys(TRAINING_PRESETS).join(', ')}`, { at: '--preset' });
  return p;
}

/**
 * Learning rate at 0-based global step k of `total`. `linear` is HardNet's adjust_learning_rate,
 * which runs after each step: steps 0 and 1 use lr, step k uses lr (1 - (k - 1) / total).
 */
export function learningRate(p: Pick<TrainingPreset, 'lr' | 'schedule'>, k: number, total: number): number {
  if (p.schedule === 'constant') return p.lr;
  return p.lr * Math.max(0, 1 - Math.max(0, k - 1) / total);
}
