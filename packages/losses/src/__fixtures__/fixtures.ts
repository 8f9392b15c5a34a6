/**
 * Test helpers: load the PyTorch golden cases written by scripts/make-fixtures.py and compare.
 * Not part of the package build (tsconfig excludes __fixtures__).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's CommonJS build registers no gradients; the @tensorflow/tfjs umbrella's Node build
// registers them all into tfjs's global gradient registry (the same one tfjs-core reads).
import '@tensorflow/tfjs';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface FixtureCase {
  loss: string;
  name: string;
  options: Record<string, unknown>;
  inputs: Record<string, FixtureTensor | number[]>;
  value: number;
  grads: Record<string, FixtureTensor>;
}

export function loadCases(family: string): FixtureCase[] {
  const doc = JSON.parse(readFileSync(join(__dirname, `${family}.json`), 'utf8')) as { cases: FixtureCase[] };
  return doc.cases;
}

export function isTensorInput(v: FixtureTensor | number[]): v is FixtureTensor {
  return !Array.isArray(v);
}

/** Value tolerance (vs PyTorch float64): |a - b| <= 1e-5 (1 + |b|). */
export const VALUE_TOL = 1e-5;
/** Gradient tolerance (vs PyTorch float64): |a - b| <= 1e-4 (1 + |b|), elementwise. */
export const GRAD_TOL = 1e-4;

/** Largest violation of |a - b| <= tol (1 + |b|), as a ratio (<= 1 passes). */
export function worstRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const r = Math.abs(a - b) / (tol * (1 + Math.abs(b)));
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : r;
  }
  return worst;
}

export type TensorInputs = Record<string, tf.Tensor | number[]>;

export function toInputs(c: FixtureCase): TensorInputs {
  const out: TensorInputs = {};
  for (const [k, v] of Object.entries(c.inputs)) out[k] = isTensorInput(v) ? tf.tensor(v.data, v.shape, 'float32') : v;
  return out;
}

/** Names of the inputs whose gradient the fixture holds. */
export function gradNames(c: FixtureCase): string[] {
  return Object.keys(c.grads);
}

/**
 * Value and gradients of `f` at the case's inputs: `f` receives the inputs with the differentiable
 * ones replaced by the tensors being differentiated.
 */
export function valueAndGrads(
  c: FixtureCase,
  f: (inputs: TensorInputs) => tf.Scalar,
): { value: number; grads: Record<string, Float32Array> } {
  const inputs = toInputs(c);
  const names = gradNames(c);
  const xs = names.map((n) => inputs[n] as tf.Tensor);
  const g = tf.valueAndGrads((...ts: tf.Tensor[]) => {
    const replaced: TensorInputs = { ...inputs };
    names.forEach((n, i) => (replaced[n] = ts[i] as tf.Tensor));
    return f(replaced);
  });
  const { value, grads } = g(xs);
  const out = { value: value.dataSync()[0] as number, grads: {} as Record<string, Float32Array> };
  names.forEach((n, i) => (out.grads[n] = (grads[i] as tf.Tensor).dataSync() as Float32Array));
  tf.dispose([value, ...grads, ...Object.values(inputs).filter((v): v is tf.Tensor => v instanceof tf.Tensor)]);
  return out;
}

/**
 * Central finite difference of `f` along one random direction v (|v| = 1 over all differentiable
 * inputs), against the analytic directional derivative <grad, v>. Float32 arithmetic: with step
 * h = 2e-3 the rounding error is about 6e-8 |L| / h (< 2e-3 for the fixtures' |L| < 60) and the
 * truncation error (h^2 / 6 times the third derivative) stays near 1e-5; a kink (hinge at 0, a
 * switch of the hardest negative) closer than h to the point would break the check, so the
 * exact-tie cases are not checked.
 */
export function directionalCheck(
  c: FixtureCase,
  f: (inputs: TensorInputs) => tf.Scalar,
  seed: number,
  h = 2e-3,
): { numeric: number; analytic: number; value: number } {
  const names = gradNames(c);
  const { value, grads } = valueAndGrads(c, f);
  let state = seed >>> 0 || 1;
  const rand = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296 - 0.5;
  };
  const dirs: Record<string, Float64Array> = {};
  let norm2 = 0;
  for (const n of names) {
    const t = c.inputs[n] as FixtureTensor;
    const d = new Float64Array(t.data.length).map(() => rand());
    d.forEach((x) => (norm2 += x * x));
    dirs[n] = d;
  }
  const scale = 1 / Math.sqrt(norm2);
  let analytic = 0;
  for (const n of names) {
    const d = dirs[n] as Float64Array;
    d.forEach((x, i) => (d[i] = x * scale));
    const g = grads[n] as Float32Array;
    d.forEach((x, i) => (analytic += x * (g[i] as number)));
  }
  const at = (sign: number): number => {
    const inputs = toInputs(c);
    for (const n of names) {
      const t = c.inputs[n] as FixtureTensor;
      const d = dirs[n] as Float64Array;
      (inputs[n] as tf.Tensor).dispose();
      inputs[n] = tf.tensor(
        t.data.map((x, i) => x + sign * h * (d[i] as number)),
        t.shape,
        'float32',
      );
    }
    const v = tf.tidy(() => f(inputs));
    const out = v.dataSync()[0] as number;
    tf.dispose([v, ...Object.values(inputs).filter((x): x is tf.Tensor => x instanceof tf.Tensor)]);
    return out;
  };
  const numeric = (at(1) - at(-1)) / (2 * h);
  return { numeric, analytic, value };
}
