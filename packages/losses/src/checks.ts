import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';

/** How per-item terms are reduced: `sum` as the HyNet/SOSNet training code, `mean` (1/N) as their papers. */
export type Reduction = 'sum' | 'mean';

/** Throws an `InputError` unless `t` is a float32 tensor of rank `rank`. */
export function checkFloatTensor(t: tf.Tensor, rank: number, name: string, loss: string): void {
  if (!(t instanceof tf.Tensor)) throw new InputError(`${loss}: ${name} must be a tensor`, { at: name });
  if (t.rank !== rank) {
    throw new InputError(`${loss}: ${name} must have rank ${rank}, got shape [${t.shape.join(', ')}]`, { at: name });
  }
  if (t.dtype !== 'float32') throw new InputError(`${loss}: ${name} must be float32, got ${t.dtype}`, { at: name });
}

/** Two `[N, D]` batches of matching pairs: same shape, N >= `minRows`, D >= 1. */
export function checkPairs(a: tf.Tensor, p: tf.Tensor, loss: string, names = ['anchors', 'positives'], minRows = 2): void {
  const [na = 'anchors', np = 'positives'] = names;
  checkFloatTensor(a, 2, na, loss);
  checkFloatTensor(p, 2, np, loss);
  if (a.shape[0] !== p.shape[0] || a.shape[1] !== p.shape[1]) {
    throw new InputError(`${loss}: ${na} [${a.shape.join(', ')}] and ${np} [${p.shape.join(', ')}] must have the same shape`, {
      at: np,
    });
  }
  if ((a.shape[0] as number) < minRows) {
    throw new InputError(`${loss}: needs at least ${minRows} pairs per batch (in-batch negatives), got ${a.shape[0]}`, {
      at: na,
    });
  }
  if ((a.shape[1] as number) < 1) throw new InputError(`${loss}: descriptors must have at least one dimension`, { at: na });
}

export function checkFinite(value: number, name: string, loss: string): void {
  if (!Number.isFinite(value)) throw new InputError(`${loss}: option ${name} must be a finite number, got ${value}`, { at: name });
}

export function checkPositive(value: number, name: string, loss: string): void {
  checkFinite(value, name, loss);
  if (!(value > 0)) throw new InputError(`${loss}: option ${name} must be > 0, got ${value}`, { at: name });
}

export function checkPositiveInt(value: number, name: string, loss: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(`${loss}: option ${name} must be a positive integer, got ${value}`, { at: name });
  }
}

export function checkReduction(value: string, loss: string): Reduction {
  if (value !== 'sum' && value !== 'mean') {
    throw new InputError(`${loss}: option reduction must be "sum" or "mean", got "${value}"`, { at: 'reduction' });
  }
  return value;
}

export function reduce(x: tf.Tensor, reduction: Reduction): tf.Scalar {
  return reduction === 'sum' ? tf.sum(x) : tf.mean(x);
}

/**
 * Merges user options over defaults; unknown keys and values of the wrong type are input errors
 * (a misspelt `margn` must not silently train with the default margin).
 */
export function resolveOptions<T extends object>(loss: string, defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults } as Record<string, unknown>;
  if (given === undefined) return out as T;
  if (given === null || typeof given !== 'object') throw new InputError(`${loss}: options must be an object`);
  const known = Object.keys(defaults);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!known.includes(key)) {
      throw new InputError(`${loss}: unknown option "${key}"; known options: ${known.join(', ')}`, { at: key });
    }
    const expected = typeof (defaults as Record<string, unknown>)[key];
    if (expected !== 'undefined' && typeof value !== expected) {
      throw new InputError(`${loss}: option ${key} must be a ${expected}, got ${JSON.stringify(value)}`, { at: key });
    }
    out[key] = value;
  }
  return out as T;
}
