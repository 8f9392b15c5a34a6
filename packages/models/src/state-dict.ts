import { InputError, SeededRng } from '@descbench/core';
import { paramSpecs, type NetSpec } from './spec';

/** A dense float32 tensor in PyTorch layout (row-major, NCHW / `[out, in, kh, kw]`). */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** PyTorch-style state dict: parameter/buffer name -> tensor, in insertion order. */
export type StateDict = Map<string, HostTensor>;

/** Keys PyTorch stores that carry no numbers the forward pass needs. */
const IGNORED_SUFFIXES = ['.num_batches_tracked'];

const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Check a loaded state dict against what `spec` needs: same keys (ignoring `num_batches_tracked`)
 * and same shapes. Throws one `InputError` listing every difference; returns the dict restricted
 * to the spec's keys.
 */
export function checkStateDict(spec: NetSpec, sd: StateDict, file?: string): StateDict {
  const want = paramSpecs(spec);
  const wantKeys = new Set(want.map((p) => p.key));
  const problems: string[] = [];
  const missing = want.filter((p) => !sd.has(p.key)).map((p) => p.key);
  const unexpected = [...sd.keys()].filter((k) => !wantKeys.has(k) && !IGNORED_SUFFIXES.some((s) => k.endsWith(s)));
  if (missing.length > 0) problems.push(`missing ${missing.length} key(s): ${listSome(missing)}`);
  if (unexpected.length > 0) problems.push(`unexpected ${unexpected.length} key(s): ${listSome(unexpected)}`);
  const out: StateDict = new Map();
  for (const p of want) {
    const t = sd.get(p.key);
    if (t === undefined) continue;
    if (!sameShape(t.shape, p.shape)) problems.push(`${p.key} has shape [${t.shape.join(', ')}], expected [${p.shape.join(', ')}]`);
    else out.set(p.key, t);
  }
  if (problems.length > 0) {
    throw new InputError(`weights do not fit architecture "${spec.arch}": ${problems.join('; ')}`, file !== undefined ? { file } : {});
  }
  return out;
}

function listSome(keys: string[], n = 6): string {
  return keys.length <= n ? keys.join(', ') : `${keys.slice(0, n).join(', ')}, ... (${keys.length - n} more)`;
}

export interface RandomInitOptions {
  /**
   * `reference` follows each spec's own initialisation (e.g. SOA's zero-initialised `v`);
   * `dense` draws every learnable tensor from U(-b, b) and perturbs running statistics too,
   * so tests exercise every path of the graph.
   */
  mode?: 'reference' | 'dense';
}

/** A seeded state dict for `spec` (PyTorch-default uniform fan-in bounds for weights and biases). */
export function randomStateDict(spec: NetSpec, seed: number, o: RandomInitOptions = {}): StateDict {
  const rng = new SeededRng(seed);
  const sd: StateDict = new Map();
  for (const p of paramSpecs(spec)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const r = rng.fork(hashKey(p.key));
    if (p.init.kind === 'uniformFanIn') {
      const b = 1 / Math.sqrt(p.init.fanIn);
      for (let i = 0; i < n; i++) data[i] = (2 * r.float() - 1) * b;
    } else if (o.mode === 'dense' && p.key.endsWith('running_var')) {
      for (let i = 0; i < n; i++) data[i] = 0.5 + r.float();
    } else if (o.mode === 'dense' && p.trainable && !p.key.endsWith('.tau')) {
      const fanIn = p.shape.length === 4 ? p.shape[1]! : Math.max(1, p.shape.length > 1 ? p.shape[1]! : 16);
      const b = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < n; i++) data[i] = p.init.value + (2 * r.float() - 1) * b;
    } else if (o.mode === 'dense' && p.key.endsWith('running_mean')) {
      for (let i = 0; i < n; i++) data[i] = 0.2 * (2 * r.float() - 1);
    } else {
      data.fill(p.init.value);
    }
    sd.set(p.key, { shape: [...p.shape], data });
  }
  return sd;
}

function hashKey(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}
