import type * as tf from '@tensorflow/tfjs-core';
import { LOSSES } from '@descbench/losses';

/** A descriptor-pair loss as the trainer calls it: L2-normalised anchors/positives `[N, D]`, and the raw (pre-normalisation) rows when the loss needs them. */
export type PairLoss = (anchors: tf.Tensor2D, positives: tf.Tensor2D, raw?: { anchors: tf.Tensor2D; positives: tf.Tensor2D }) => tf.Scalar;

/** A loss from the losses registry, bound to its options, that takes a batch of pairs. */
export function resolvePairLoss(name: string, options: Record<string, unknown>): PairLoss {
  const entry = LOSSES.get(name);
  const names = entry.inputs.map((i) => i.name);
  if (!names.includes('anchors') || !names.includes('positives')) {
    throw new Error(`loss "${name}" does not take anchor/positive pairs (inputs: ${names.join(', ')})`);
  }
  return (anchors, positives, raw) =>
    entry.compute({ anchors, positives, ...(raw !== undefined ? { rawAnchors: raw.anchors, rawPositives: raw.positives } : {}) }, options);
}

/** Whether a loss reads the raw (pre-L2-normalisation) descriptors. */
export function needsRawDescriptors(name: string): boolean {
  return LOSSES.get(name).inputs.some((i) => i.name === 'rawAnchors');
}
