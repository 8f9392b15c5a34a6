import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import type { DataChoice } from '@descbench/datasets';
import type { Fpr95Convention } from '@descbench/metrics';
import { createModel, readSafetensors, type StateDict } from '@descbench/models';
import { descriptorFpr95 } from '../experiments/describe-pairs';
import { trainingPreset, type Profile, type TrainingPreset } from '../training/presets';
import { trainDescriptor } from '../training/trainer';
import { loadUbcSubset } from '../training/ubc-training-data';

/**
 * HyNet Fig. 5 (a) and (c): a network trained on Liberty with one loss setting, and its FPR@95
 * (%) averaged over Notre Dame and Yosemite after every epoch (epoch 0 = the seeded
 * initialisation), read from the trainer's per-epoch checkpoints.
 */
export interface LossSetting {
  loss: string;
  options: TrainingPreset['lossOptions'];
}

export interface CurvePoint {
  epoch: number;
  steps: number;
  notredame: number;
  yosemite: number;
  mean: number;
}

export interface SweepRunOptions {
  model: string;
  preset: string;
  profile: Profile;
  seed: number;
  data?: DataChoice;
  dataDir?: string;
  patches?: number;
  convention: Fpr95Convention;
  workDir: string;
}

export interface SweepRun {
  setting: LossSetting;
  curve: CurvePoint[];
  /** FPR@95 mean of the last epoch. */
  final: number;
  data: 'real' | 'synthetic';
}

const src = (o: SweepRunOptions): { data?: DataChoice; dataDir?: string; patches?: number } => ({
  ...(o.data ? { data: o.data } : {}),
  ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  ...(o.patches ? { patches: o.patches } : {}),
});

export async function trainAndTrack(setting: LossSetting, o: SweepRunOptions): Promise<SweepRun> {
  const lib = loadUbcSubset('liberty', src(o));
  const tests = { notredame: loadUbcSubset('notredame', src(o)), yosemite: loadUbcSubset('yosemite', src(o)) };
  if (new Set([lib.kind, tests.notredame.kind, tests.yosemite.kind]).size > 1) {
    throw new InputError('the UBC subsets resolve to both real and generated data; pick one with --data real or --data synthetic');
  }
  const out = join(o.workDir, `${setting.loss}-${Object.entries(setting.options).map(([k, v]) => `${k}${v}`).join('-')}`);
  const trained = await trainDescriptor(
    { name: lib.name, patches: lib.ds.patches, pointIds: lib.ds.pointIds, heldOut: { name: tests.notredame.name, patches: tests.notredame.ds.patches, pairs: tests.notredame.ds.pairs! } },
    { preset: trainingPreset(o.preset), model: o.model, loss: setting.loss, lossOptions: setting.options, profile: o.profile, seed: o.seed, out, evalEachEpoch: false },
  );
  const evaluate = async (weights: StateDict | undefined, epoch: number, steps: number): Promise<CurvePoint> => {
    const d = await createModel(o.model, weights !== undefined ? { weights } : { seed: o.seed });
    try {
      const nd = 100 * (await descriptorFpr95(d, tests.notredame.ds.patches, tests.notredame.ds.pairs!, o.convention));
      const yo = 100 * (await descriptorFpr95(d, tests.yosemite.ds.patches, tests.yosemite.ds.pairs!, o.convention));
      return { epoch, steps, notredame: nd, yosemite: yo, mean: (nd + yo) / 2 };
    } finally {
      d.dispose();
    }
  };
  // The trainer initialises from the seed exactly as createModel does (randomStateDict(spec, seed)).
  const curve: CurvePoint[] = [await evaluate(undefined, 0, 0)];
  for (const m of trained.epochs) {
    const file = join(out, `checkpoint-epoch-${m.epoch}.safetensors`);
    if (!existsSync(file)) continue;
    const sd: StateDict = new Map([...readSafetensors(file).tensors].filter(([k]) => !k.startsWith('optimizer.')));
    curve.push(await evaluate(sd, m.epoch, m.steps));
  }
  rmSync(out, { recursive: true, force: true });
  return { setting, curve, final: curve[curve.length - 1]!.mean, data: lib.kind };
}

/** Every combination of the listed option values: `{ a: [1, 2], b: [3] }` -> `[{a:1,b:3}, {a:2,b:3}]`. */
export function optionGrid(axes: Record<string, readonly number[]>): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [k, vals] of Object.entries(axes)) out = out.flatMap((o) => vals.map((v) => ({ ...o, [k]: v })));
  return out;
}
