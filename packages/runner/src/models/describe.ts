import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { InputError, createProgress, ensureDir, log, writeFileAtomicSync, type BackendName } from '@descbench/core';
import {
  HPATCHES_PATCH_SIZE,
  loadHPatchesSequence,
  loadUbcPatches,
  readNpy,
  readPatchStrip,
  readUbcTile,
  resizePatches,
  writeNpy,
  type PatchSet,
  type ResizeConvention,
} from '@descbench/datasets';
import { createModel, useTfjsBackend, type OnnxProvider, type Runtime } from '@descbench/models';
import { announceRandomWeights } from './random-weights';

/** The datasets' resize conventions plus the unrounded 2x2 box mean. */
export type DescribeResize = ResizeConvention | 'box2x2-float';

export interface DescribeOptions {
  model: string;
  weights?: string;
  /** A UBC tile (.bmp), a UBC subset folder, an HPatches strip (.png) or an HPatches sequence folder. */
  input: string;
  out: string;
  limit?: number;
  runtime?: Runtime;
  /** tfjs backend when `runtime` is tfjs. */
  backend?: BackendName;
  batchSize?: number;
  /**
   * Downsampling of 64x64 patches to the model's size (default `box2x2`, HardNet/HyNet: OpenCV's
   * uint8 result); `box2x2-float`: the 2x2 mean kept in floating point (no rounding to uint8), as
   * the golden TFeat vectors were computed; other sizes use `pil-antialias` unless given
   * (`opencv-linear`: `cv2.resize` INTER_LINEAR at any scale, HardNet's / HyNet's HPatches code).
   */
  resize?: DescribeResize;
  seed?: number;
  progress?: boolean;
  /** onnxruntime execution providers for `runtime: onnx` (default cpu; webgpu where an adapter exists). */
  providers?: OnnxProvider[];
  /** Seconds between resumable checkpoints (`<out>.partial.npy` + `.partial.json`); default 60. */
  checkpointEverySec?: number;
}

export interface DescribeResult {
  model: string;
  input: string;
  out: string;
  count: number;
  dim: number;
  runtime: Runtime;
  seconds: number;
}

const UBC_TILE = 1024;
const UBC_PATCH = 64;

/** Patches of an input path, at their native size (uint8). */
export function readInputPatches(input: string, limit?: number): PatchSet & { kind: string } {
  if (!existsSync(input)) throw new InputError('input does not exist', { file: input });
  if (statSync(input).isDirectory()) {
    if (existsSync(join(input, 'ref.png'))) {
      const seq = loadHPatchesSequence(input);
      const sets = [...seq.images.values()];
      const data = new Uint8Array(sets.reduce((a, s) => a + s.data.length, 0));
      let o = 0;
      for (const s of sets) {
        data.set(s.data, o);
        o += s.data.length;
      }
      return cap({ count: seq.count * sets.length, size: HPATCHES_PATCH_SIZE, data, kind: `hpatches sequence (${[...seq.images.keys()].join(', ')})` }, limit);
    }
    if (readdirSync(input).some((f) => /^patches\d{4}\.bmp$/.test(f))) {
      return { ...loadUbcPatches(input, { size: 64, ...(limit !== undefined ? { count: limit } : {}) }), kind: 'ubc subset' };
    }
    throw new InputError('folder is neither an HPatches sequence (ref.png) nor a UBC subset (patchesNNNN.bmp)', { file: input });
  }
  const ext = extname(input).toLowerCase();
  if (ext === '.bmp') {
    const tile = readUbcTile(input);
    const per = UBC_TILE / UBC_PATCH;
    const data = new Uint8Array(per * per * UBC_PATCH * UBC_PATCH);
    for (let p = 0; p < per * per; p++) {
      const r = Math.floor(p / per);
      const c = p % per;
      for (let y = 0; y < UBC_PATCH; y++) {
        const src = (r * UBC_PATCH + y) * UBC_TILE + c * UBC_PATCH;
        data.set(tile.subarray(src, src + UBC_PATCH), (p * UBC_PATCH + y) * UBC_PATCH);
      }
    }
    return cap({ count: per * per, size: UBC_PATCH, data, kind: 'ubc tile' }, limit);
  }
  if (ext === '.png') return cap({ ...readPatchStrip(input), kind: 'hpatches strip' }, limit);
  throw new InputError('unsupported input: expected a .bmp tile, a .png patch strip or a folder', { file: input });
}

function cap<T extends PatchSet>(s: T, limit?: number): T {
  if (limit === undefined || limit >= s.count) return s;
  if (!Number.isInteger(limit) || limit < 1) throw new InputError(`--limit must be a positive integer, got ${limit}`, { at: '--limit' });
  return { ...s, count: limit, data: s.data.subarray(0, limit * s.size * s.size) };
}

/**
 * `bench describe`: compute descriptors of every patch of an input with a zoo model and write
 * them as a `[N, dim]` float32 .npy (atomically). Patches are resized to the model's size and
 * scaled to [0, 1]; the model applies its own input normalisation.
 */
export async function describePatches(o: DescribeOptions): Promise<DescribeResult> {
  const t0 = Date.now();
  // fail fast on an output that cannot be written, before loading anything
  ensureDir(dirname(resolve(o.out)));
  announceRandomWeights(o.model, o.weights, o.seed, 'the descriptors');
  const runtime = o.runtime ?? 'onnx';
  if (runtime === 'tfjs') await useTfjsBackend(o.backend ?? 'auto');
  const model = await createModel(o.model, { runtime, ...(o.providers !== undefined ? { providers: o.providers } : {}), ...(o.weights !== undefined ? { weights: o.weights } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  try {
    const src = readInputPatches(o.input, o.limit);
    const P = model.patchSize;
    let pixels = src.data;
    let floatBox = false;
    if (src.size !== P) {
      const conv: DescribeResize = o.resize ?? (src.size === 2 * P ? 'box2x2' : 'pil-antialias');
      if ((conv === 'box2x2' || conv === 'box2x2-float') && src.size !== 2 * P) throw new InputError(`${conv} needs ${2 * P}px patches, got ${src.size}px`, { at: '--resize' });
      log.info(`${src.kind}: ${src.count} patches ${src.size}x${src.size} -> ${P}x${P} (${conv})`);
      if (conv === 'box2x2-float') floatBox = true;
      else pixels = resizePatches(src.data, src.count, src.size, P, conv);
    }
    const n = src.count;
    const bs = o.batchSize ?? 256;
    const out = new Float32Array(n * model.dim);
    const ck = checkpointPaths(o.out);
    const key = describeCheckpointKey(o, n, model.dim, runtime);
    let start = resumeFrom(ck, key, out);
    if (start > 0) log.info(`resuming ${o.out} from patch ${start} of ${n}`);
    const progress = o.progress === false ? undefined : createProgress(`describe ${o.model}`, n);
    progress?.tick(start);
    const every = (o.checkpointEverySec ?? 60) * 1000;
    let last = Date.now();
    for (let i = start; i < n; i += bs) {
      const b = Math.min(bs, n - i);
      const x = new Float32Array(b * P * P);
      if (floatBox) boxMeanScaled(src.data, i, b, P, x);
      else {
        const chunk = pixels.subarray(i * P * P, (i + b) * P * P);
        for (let k = 0; k < x.length; k++) x[k] = chunk[k]! / 255;
      }
      out.set(await model.describe(x, b), i * model.dim);
      progress?.tick(b);
      start = i + b;
      if (Date.now() - last >= every && start < n) {
        writeNpy(ck.data, { data: out, shape: [n, model.dim] });
        writeFileAtomicSync(ck.meta, JSON.stringify({ key, done: start }));
        last = Date.now();
      }
    }
    progress?.done();
    writeNpy(o.out, { data: out, shape: [n, model.dim] });
    rmSync(ck.data, { force: true });
    rmSync(ck.meta, { force: true });
    return { model: o.model, input: o.input, out: o.out, count: n, dim: model.dim, runtime, seconds: (Date.now() - t0) / 1000 };
  } finally {
    model.dispose();
  }
}

/** What must match for a run to resume another's checkpoint. */
export function describeCheckpointKey(o: DescribeOptions, count: number, dim: number, runtime: Runtime): string {
  return JSON.stringify({ model: o.model, weights: o.weights ?? null, seed: o.seed ?? null, input: o.input, count, dim, resize: o.resize ?? null, runtime });
}

export function checkpointPaths(out: string): { data: string; meta: string } {
  return { data: `${out}.partial.npy`, meta: `${out}.partial.json` };
}

/** Rows already computed by an interrupted run with the same settings (0 if none or different). */
function resumeFrom(ck: { data: string; meta: string }, key: string, out: Float32Array): number {
  if (!existsSync(ck.meta) || !existsSync(ck.data)) return 0;
  try {
    const meta = JSON.parse(readFileSync(ck.meta, 'utf8')) as { key: string; done: number };
    if (meta.key !== key) return 0;
    const part = readNpy(ck.data);
    if (part.dtype !== 'float32' || part.data.length !== out.length) return 0;
    const dim = JSON.parse(key).dim as number;
    out.set((part.data as Float32Array).subarray(0, meta.done * dim));
    return meta.done;
  } catch {
    return 0;
  }
}

/** Patches `first..first+count` of `[n, 2P, 2P]` uint8 as their 2x2 box means / 255, unrounded, into `x` `[count, P, P]`. */
export function boxMeanScaled(src: Uint8Array, first: number, count: number, P: number, x: Float32Array): void {
  const F = 2 * P;
  for (let p = 0; p < count; p++) {
    const s0 = (first + p) * F * F;
    for (let y = 0; y < P; y++) {
      const r0 = s0 + 2 * y * F;
      for (let c = 0; c < P; c++) {
        const a = r0 + 2 * c;
        x[p * P * P + y * P + c] = (src[a]! + src[a + 1]! + src[a + F]! + src[a + F + 1]!) / 4 / 255;
      }
    }
  }
}
