import { InputError } from '@descbench/core';
import { TINY_BACKBONE, type TinyBackboneConfig } from './backbone';

/**
 * Sizes of a HOW replay per profile. `tiny` and `smoke` run the small tfjs backbone on generated
 * images on a CPU in seconds / minutes. The paper's setting (ResNet-18 from ImageNet, image side
 * 1024, scales 2 .. 1/4, 1000 features, 65,536 words) is recorded in PAPER_HOW_SETTINGS for the
 * record; it needs the ONNX ResNet and real images, which this replay does not run.
 */
export const HOW_PROFILES = ['tiny', 'smoke'] as const;
export type HowProfile = (typeof HOW_PROFILES)[number];

export interface HowProfileSettings {
  backbone: TinyBackboneConfig;
  dim: number;
  imageSize: number;
  scales: number[];
  topk: number;
  codebookSize: number;
  /**
   * Training set (clusters x views) and HOW's recipe scaled down (see trainHow). The backbone
   * starts from random weights, not ImageNet, so HOW's fine-tuning rate (5e-6) would not move it;
   * at 3e-4 the first epoch collapses the global descriptors (mined negatives' distance 0.8 ->
   * 0.2-0.3, staying there), at 1e-4 they recover to 0.5-0.6 within 10 epochs (measured at smoke).
   * Measured at smoke, seed 1 (`bench replay context-slides/table-numerical-results --profile
   * smoke --rows how`): trained beats its untrained backbone on SfM-val and RParis, not on ROxford
   * Medium (real gnd 15.7 vs 18.1, generated gnd 21.6 vs 22.3): training gains on Hard positives
   * and loses on Easy ones (ROxf Easy 23.0 -> 16.7); the global descriptor it trains barely learns
   * landmark identity in this budget (its SfM-val mAP 15-20 % before and after).
   */
  train: { clusters: number; views: number; epochs: number; tuples: number; pool: number; negatives: number; batch: number; lr: number };
  val: { clusters: number; views: number };
  revisitop: { queries: number; perList: number; others: number };
  /** Generated distractors added to each revisitop database for the "+ R1M" columns (revisitop1m: 1,001,001). */
  distractors: number;
}

export const HOW_PROFILE_SETTINGS: Record<HowProfile, HowProfileSettings> = {
  tiny: {
    backbone: TINY_BACKBONE,
    dim: 128,
    imageSize: 40,
    scales: [1, 0.707],
    topk: 100,
    codebookSize: 32,
    train: { clusters: 12, views: 3, epochs: 2, tuples: 20, pool: 36, negatives: 2, batch: 5, lr: 1e-4 },
    val: { clusters: 8, views: 4 },
    revisitop: { queries: 6, perList: 4, others: 12 },
    distractors: 40,
  },
  smoke: {
    backbone: TINY_BACKBONE,
    dim: 128,
    imageSize: 48,
    scales: [1, 0.707, 0.5],
    topk: 200,
    codebookSize: 64,
    train: { clusters: 80, views: 3, epochs: 10, tuples: 50, pool: 120, negatives: 5, batch: 5, lr: 1e-4 },
    val: { clusters: 20, views: 4 },
    revisitop: { queries: 20, perList: 8, others: 60 },
    distractors: 300,
  },
};

/**
 * HOW / FIRe's published settings (PROTOCOLS.md, "HOW / FIRe with ASMK"; gtolias/how
 * examples/params/eccv20/_train_how.yml and train_how_r18.yml for training) and the slides'
 * (ImageNet ResNet-18, smoothing / GCN at 10x the backbone's learning rate). What `--profile
 * paper` would run; this replay refuses it (see parseHowProfile).
 */
export const PAPER_HOW_SETTINGS = {
  backbone: 'resnet18 (ImageNet-pretrained, conv layers up to layer4; BatchNorm frozen)',
  imageSide: 1024,
  scales: [2.0, 1.414, 1.0, 0.707, 0.5, 0.353, 0.25],
  topk: 1000,
  dim: 128,
  codebookSize: 65536,
  dbAssignment: 1,
  queryAssignment: 5,
  alpha: 3,
  threshold: 0,
  train: {
    dataset: 'retrieval-SfM-120k',
    epochs: 20,
    tuples: 2000,
    pool: 20000,
    negatives: 5,
    batch: 5,
    lr: 5e-6,
    lrGamma: 0.99,
    weightDecay: 1e-4,
    margin: 0.8,
    contextLrRatio: 10,
    whiteningInitImages: 5000,
    trainingScales: [1],
  },
} as const;

export function parseHowProfile(p: string): HowProfile {
  if ((HOW_PROFILES as readonly string[]).includes(p)) return p as HowProfile;
  throw new InputError(
    `HOW replays run at --profile ${HOW_PROFILES.join(' or ')}; "${p}" (the slides' setting: an ImageNet ResNet-18 fine-tuned on the retrieval-SfM-120k images at side 1024, then ASMK with 65,536 words over the real revisitop images) needs a trainable ResNet, those images and a GPU, which this replay does not have`,
    { at: '--profile' },
  );
}
