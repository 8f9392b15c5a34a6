import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, InputError, log, SeededRng, writeFileAtomicSync } from '@descbench/core';
import { PointPairSampler, type PatchSet, type UbcPairs } from '@descbench/datasets';
import { createTfjsNet, readSafetensors, writeSafetensors, type BatchStats, type StateDict, type TfjsNet } from '@descbench/models';
import { evaluateFpr95 } from './evaluate-pairs';
import { Adam, Sgd, type Optimizer } from './optimizers';
import { pairBatchTensors } from './pair-batch';
import { learningRate, PROFILE_SCALES, type Profile, type TrainingPreset } from './presets';
import { resolvePairLoss } from './pair-loss';

/** Training patches labelled by 3D point, and held-out pairs to report FPR@95 on each epoch. */
export interface TrainingData {
  name: string;
  patches: PatchSet;
  pointIds: Int32Array;
  heldOut: { name: string; patches: PatchSet; pairs: UbcPairs };
}

export interface TrainOptions {
  preset: TrainingPreset;
  profile: Profile;
  seed: number;
  /** Overrides the profile's epochs, pairs per batch and steps per epoch. */
  epochs?: number;
  pairsPerBatch?: number;
  stepsPerEpoch?: number;
  /** Overrides the preset's model / loss. */
  model?: string;
  loss?: string;
  /** Overrides the loss options (default: the recipe's for its own loss, the loss's defaults for another). */
  lossOptions?: TrainingPreset['lossOptions'];
  out: string;
  /** Report FPR@95 on the held-out pairs after each epoch and at initialisation (default true). */
  evalEachEpoch?: boolean;
  /** Stop after this many optimiser steps of this call (tests use it to simulate a crash). */
  stopAfterSteps?: number;
  /**
   * Write a checkpoint per epoch so that a killed run resumes (default true). A replay cell turns
   * it off: a killed cell is recomputed whole, so its checkpoints would only cost time.
   */
  checkpoints?: boolean;
}

/** One line of `metrics.jsonl`. */
export interface EpochMetrics {
  epoch: number;
  steps: number;
  lr: number;
  loss: number;
  /** FPR@95 in [0, 1] on the held-out pairs; null when per-epoch evaluation is off. */
  fpr95: number | null;
  held_out: string;
  seconds: number;
}

export interface TrainResult {
  out: string;
  weights: string;
  epochs: EpochMetrics[];
  /** FPR@95 of the network before any step (at initialisation); null when per-epoch evaluation is off. */
  initialFpr95: number | null;
  stopped: boolean;
  /** The final weights in PyTorch layout, on the heap (what `weights` holds), so a caller need not read them back. */
  stateDict: StateDict;
  /** Wall seconds of each optimiser step of this call (batch assembly, forward, backward, update), in order. */
  stepSeconds: number[];
}

/** The resolved configuration of a run; a resumed run must match it exactly. */
export interface RunConfig {
  model: string;
  loss: string;
  lossOptions: TrainingPreset['lossOptions'];
  preset: string;
  source: string;
  profile: Profile;
  seed: number;
  optimizer: TrainingPreset['optimizer'];
  lr: number;
  schedule: TrainingPreset['schedule'];
  pairsPerBatch: number;
  stepsPerEpoch: number;
  epochs: number;
  flipRot: boolean;
  data: string;
  heldOut: string;
  heldOutPairs: number;
  backend: string;
}

const CHECKPOINT = /^checkpoint-epoch-(\d+)\.safetensors$/;

export function resolveRunConfig(o: TrainOptions, data: TrainingData, sampler: PointPairSampler | undefined): RunConfig {
  const scale = PROFILE_SCALES[o.profile];
  const p = o.preset;
  const pairsPerBatch = o.pairsPerBatch ?? scale.pairsPerBatch ?? p.pairsPerBatch;
  const fullPass = Math.floor((sampler?.numPoints ?? 0) / pairsPerBatch);
  const stepsPerEpoch = o.stepsPerEpoch ?? scale.stepsPerEpoch ?? (p.stepsPerEpoch === 'points' ? fullPass : p.stepsPerEpoch);
  return {
    model: o.model ?? p.model,
    loss: o.loss ?? p.loss,
    // Another loss than the recipe's runs with its own defaults (the recipe's options are for its loss).
    lossOptions: o.lossOptions ?? (o.loss === undefined || o.loss === p.loss ? p.lossOptions : {}),
    preset: p.name,
    source: p.source,
    profile: o.profile,
    seed: o.seed,
    optimizer: p.optimizer,
    lr: p.lr,
    schedule: p.schedule,
    pairsPerBatch,
    stepsPerEpoch,
    epochs: o.epochs ?? scale.epochs ?? p.epochs,
    flipRot: p.flipRot,
    data: data.name,
    heldOut: data.heldOut.name,
    heldOutPairs: Math.min(scale.heldOutPairs ?? Infinity, data.heldOut.pairs.label.length),
    backend: tf.getBackend(),
  };
}

/**
 * Train a descriptor network: seeded end to end (weight init from `seed`; per epoch, data order
 * and augmentation from (seed, epoch); dropout masks from (seed, step)), a checkpoint per epoch
 * (weights, BatchNorm statistics and optimiser state in safetensors), per-epoch metrics as JSON
 * lines, and resume from the last checkpoint with the same final weights as an unbroken run.
 */
export async function trainDescriptor(data: TrainingData, o: TrainOptions): Promise<TrainResult> {
  const probeSampler = new PointPairSampler(data.pointIds, o.pairsPerBatch ?? PROFILE_SCALES[o.profile].pairsPerBatch ?? o.preset.pairsPerBatch, o.seed);
  const cfg = resolveRunConfig(o, data, probeSampler);
  if (cfg.stepsPerEpoch < 1) throw new InputError(`${data.name} has too few 3D points (${probeSampler.numPoints}) for one batch of ${cfg.pairsPerBatch}`);
  mkdirSync(o.out, { recursive: true });
  const cfgFile = join(o.out, 'config.json');
  const cfgText = `${JSON.stringify(cfg, null, 2)}\n`;
  if (existsSync(cfgFile) && readFileSync(cfgFile, 'utf8') !== cfgText) {
    throw new InputError('holds a run with another configuration; use a new --out folder', { file: cfgFile });
  }
  writeFileAtomicSync(cfgFile, cfgText);

  // Resume from the last complete checkpoint, if any: weights, BatchNorm statistics, optimiser state.
  const last = lastCheckpoint(o.out);
  const ck = last !== undefined ? readSafetensors(last.file) : undefined;
  const netWeights: StateDict | undefined = ck !== undefined ? new Map([...ck.tensors].filter(([k]) => !k.startsWith('optimizer.'))) : undefined;
  const net = await createTfjsNet(cfg.model, netWeights !== undefined ? { weights: netWeights } : { seed: cfg.seed });
  const loss = resolvePairLoss(cfg.loss, cfg.lossOptions);
  const opt: Optimizer = cfg.optimizer.kind === 'sgd' ? new Sgd(cfg.optimizer) : new Adam(cfg.optimizer);
  const trainable = new Map([...net.variables].filter(([, v]) => v.trainable));
  const keyOfVariable = new Map([...trainable].map(([key, v]) => [v.name, key]));
  const metricsFile = join(o.out, 'metrics.jsonl');
  const evalEach = o.evalEachEpoch ?? true;
  const evalHeldOut = (when: string): number | null => {
    if (!evalEach) return null;
    // say what runs: on a loaded CPU describing the held-out patches takes a while
    log.info(`held-out FPR@95 ${when}: ${cfg.heldOutPairs} pairs of ${data.heldOut.name}`);
    return evaluateFpr95(net, data.heldOut.patches, data.heldOut.pairs, { limit: cfg.heldOutPairs });
  };

  let startEpoch = 1;
  let epochs: EpochMetrics[] = [];
  let initialFpr95: number | null;
  if (last !== undefined && ck !== undefined) {
    opt.loadState(prefixed(ck.tensors, 'optimizer.'), last.file);
    initialFpr95 = ck.metadata.initial_fpr95 === 'null' ? null : Number(ck.metadata.initial_fpr95);
    epochs = readMetrics(metricsFile).filter((m) => m.epoch <= last.epoch);
    startEpoch = last.epoch + 1;
    log.info(`resuming ${o.out} after epoch ${last.epoch}`);
  } else {
    initialFpr95 = evalHeldOut('of the untrained network');
  }
  writeFileAtomicSync(metricsFile, epochs.map((m) => JSON.stringify(m)).join('\n') + (epochs.length ? '\n' : ''));

  const total = cfg.epochs * cfg.stepsPerEpoch;
  let stepsThisCall = 0;
  let stopped = false;
  const stepSeconds: number[] = [];
  for (let epoch = startEpoch; epoch <= cfg.epochs && !stopped; epoch++) {
    const t0 = Date.now();
    const sampler = new PointPairSampler(data.pointIds, cfg.pairsPerBatch, new SeededRng(cfg.seed).fork(epoch).int(0, 2 ** 31 - 1));
    const augRng = cfg.flipRot ? new SeededRng(cfg.seed).fork(1_000_000 + epoch) : undefined;
    const progress = createProgress(`epoch ${epoch}/${cfg.epochs}`, cfg.stepsPerEpoch);
    let lossSum = 0;
    let lr = cfg.lr;
    for (let s = 0; s < cfg.stepsPerEpoch; s++) {
      if (o.stopAfterSteps !== undefined && stepsThisCall >= o.stopAfterSteps) {
        stopped = true;
        break;
      }
      const k = (epoch - 1) * cfg.stepsPerEpoch + s;
      const stepStart = performance.now();
      lr = learningRate(cfg, k, total);
      const b = sampler.next();
      const { a, p } = pairBatchTensors(data.patches, b.anchors, b.positives, augRng);
      lossSum += trainStep(net, trainable, keyOfVariable, opt, loss, a, p, data.patches.size, cfg.seed * 1_000_003 + k, lr);
      stepSeconds.push((performance.now() - stepStart) / 1000);
      stepsThisCall++;
      progress.tick();
    }
    progress.done();
    if (stopped) break;
    const m: EpochMetrics = {
      epoch,
      steps: epoch * cfg.stepsPerEpoch,
      lr,
      loss: lossSum / cfg.stepsPerEpoch,
      fpr95: evalHeldOut(`after epoch ${epoch}`),
      held_out: data.heldOut.name,
      seconds: (Date.now() - t0) / 1000,
    };
    epochs.push(m);
    // Metrics first: a kill before the checkpoint resumes from the previous epoch and recomputes
    // this one (its stale line is dropped on resume); the other order would lose its metrics.
    writeFileAtomicSync(metricsFile, epochs.map((x) => JSON.stringify(x)).join('\n') + '\n');
    if (o.checkpoints ?? true) saveCheckpoint(o.out, epoch, net, opt, { initial_fpr95: String(initialFpr95), epoch: String(epoch) });
    log.info(`epoch ${epoch}: loss ${m.loss.toFixed(4)}${m.fpr95 !== null ? `, FPR@95 ${(100 * m.fpr95).toFixed(2)}% on ${m.held_out}` : ''}`);
  }
  const weights = join(o.out, 'weights.safetensors');
  const stateDict = net.stateDict();
  if (!stopped) writeAtomicSafetensors(weights, stateDict, { model: cfg.model, seed: String(cfg.seed), preset: cfg.preset });
  opt.dispose();
  net.dispose();
  return { out: o.out, weights, epochs, initialFpr95, stopped, stateDict, stepSeconds };
}

/** One optimiser step: forward anchors and positives separately (as the reference trainers), loss, gradients, update. */
function trainStep(
  net: TfjsNet,
  trainable: Map<string, tf.Variable>,
  keyOfVariable: Map<string, string>,
  opt: Optimizer,
  loss: ReturnType<typeof resolvePairLoss>,
  a: Float32Array,
  p: Float32Array,
  size: number,
  dropoutSeed: number,
  lr: number,
): number {
  const b = a.length / (size * size);
  const stats: BatchStats[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const ta = tf.tensor4d(a, [b, size, size, 1]);
    const tp = tf.tensor4d(p, [b, size, size, 1]);
    const raw: tf.Tensor2D[] = [];
    const onRaw = (r: tf.Tensor2D): void => {
      raw.push(r);
    };
    const da = net.forward(ta, { training: true, dropoutSeed: 2 * dropoutSeed, onRaw }, stats);
    const dp = net.forward(tp, { training: true, dropoutSeed: 2 * dropoutSeed + 1, onRaw }, stats);
    const [ra, rp] = raw.slice(-2);
    return loss(da, dp, ra !== undefined && rp !== undefined ? { anchors: ra, positives: rp } : undefined);
  }, [...trainable.values()]);
  const keyed = new Map<string, tf.Tensor>();
  for (const [name, g] of Object.entries(grads)) keyed.set(keyOfVariable.get(name) as string, g);
  opt.step(trainable, keyed, lr);
  net.applyBatchStats(stats);
  const v = value.dataSync()[0] as number;
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  if (!Number.isFinite(v)) throw new Error(`training diverged: loss ${v} at lr ${lr}`);
  return v;
}

function saveCheckpoint(dir: string, epoch: number, net: TfjsNet, opt: Optimizer, metadata: Record<string, string>): void {
  const sd: StateDict = new Map(net.stateDict());
  for (const [k, v] of opt.state()) sd.set(`optimizer.${k}`, v);
  writeAtomicSafetensors(join(dir, `checkpoint-epoch-${epoch}.safetensors`), sd, metadata);
}

function writeAtomicSafetensors(file: string, sd: StateDict, metadata: Record<string, string>): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeSafetensors(tmp, sd, metadata);
  renameSync(tmp, file);
}

function lastCheckpoint(dir: string): { epoch: number; file: string } | undefined {
  let best: { epoch: number; file: string } | undefined;
  for (const f of readdirSync(dir)) {
    const m = CHECKPOINT.exec(f);
    if (m !== null && (best === undefined || Number(m[1]) > best.epoch)) best = { epoch: Number(m[1]), file: join(dir, f) };
  }
  return best;
}

function prefixed(sd: StateDict, prefix: string): StateDict {
  return new Map([...sd].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

function readMetrics(file: string): EpochMetrics[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EpochMetrics);
}
