import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { checkFloatTensor } from './checks';

/**
 * Training tuples of global descriptors, in cnnimageretrieval-pytorch's layout: Q tuples of S
 * images each, `(q, p, n_1, ..., n_{S-2})`, concatenated, with labels `-1` (query), `1` (positive),
 * `0` (negative). The reference holds descriptors as columns `[D, Q*S]`; here they are rows
 * `[Q*S, D]` (descbench's convention), so transpose a reference batch before passing it.
 */
export interface TupleLayout {
  /** Number of tuples Q. */
  nq: number;
  /** Images per tuple S (query included). */
  size: number;
  labels: Int32Array;
}

/**
 * Checks labels against the descriptors: values in {-1, 0, 1}, Q = number of -1 labels, every
 * tuple of S = N / Q rows starts with its query (the contrastive loss takes `x[::S]` as queries)
 * and has no other -1. With `onePositive`, each tuple has exactly one positive (SOLAR's triplet and
 * second-order losses pair each negative with the tuple's single positive).
 */
export function parseTuples(
  descriptors: tf.Tensor2D,
  labels: ArrayLike<number> | tf.Tensor,
  loss: string,
  onePositive: boolean,
): TupleLayout {
  checkFloatTensor(descriptors, 2, 'descriptors', loss);
  const lab = labels instanceof tf.Tensor ? Array.from(labels.dataSync()) : Array.from(labels);
  const n = descriptors.shape[0];
  if (lab.length !== n) {
    throw new InputError(`${loss}: ${lab.length} labels for ${n} descriptor rows`, { at: 'labels' });
  }
  lab.forEach((v, i) => {
    if (v !== -1 && v !== 0 && v !== 1) throw new InputError(`${loss}: label ${i} is ${v}; expected -1, 0 or 1`, { at: `label ${i}` });
  });
  const nq = lab.filter((v) => v === -1).length;
  if (nq === 0) throw new InputError(`${loss}: no query (label -1) in the batch`, { at: 'labels' });
  if (n % nq !== 0) throw new InputError(`${loss}: ${n} rows do not split into ${nq} equal tuples`, { at: 'labels' });
  const size = n / nq;
  if (size < 2) throw new InputError(`${loss}: tuples need a query and at least one other image`, { at: 'labels' });
  for (let t = 0; t < nq; t++) {
    const tuple = lab.slice(t * size, (t + 1) * size);
    if (tuple[0] !== -1) throw new InputError(`${loss}: tuple ${t} does not start with its query (label -1)`, { at: `tuple ${t}` });
    if (tuple.slice(1).includes(-1)) throw new InputError(`${loss}: tuple ${t} has more than one query`, { at: `tuple ${t}` });
    if (onePositive) {
      const positives = tuple.filter((v) => v === 1).length;
      if (positives !== 1 || size < 3) {
        throw new InputError(`${loss}: tuple ${t} needs exactly one positive and at least one negative, got ${positives} positives`, {
          at: `tuple ${t}`,
        });
      }
    }
  }
  return { nq, size, labels: Int32Array.from(lab) };
}

/** Row indices with the given label, in order. */
export function rowsWithLabel(layout: TupleLayout, label: number): number[] {
  const out: number[] = [];
  layout.labels.forEach((v, i) => {
    if (v === label) out.push(i);
  });
  return out;
}
