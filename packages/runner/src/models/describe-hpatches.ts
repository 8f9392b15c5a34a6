import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, createProgress, log } from '@descbench/core';
import {
  HPATCHES_IMAGES,
  descriptorFile,
  listHPatchesSequences,
  loadHPatchesSequence,
  resizePatches,
  writeHPatchesDescriptorSequence,
  type Float32Matrix,
  type HPatchesDescriptorFormat,
} from '@descbench/datasets';
import { createModel, useTfjsBackend, type PatchDescriptor } from '@descbench/models';
import { boxMeanScaled, type DescribeOptions, type DescribeResize } from './describe';

export interface DescribeHPatchesOptions extends Omit<DescribeOptions, 'limit' | 'checkpointEverySec'> {
  /** `csv` (the hpatches-benchmark layout) or `npy`, one file per patch type. */
  format: HPatchesDescriptorFormat;
}

export interface DescribeHPatchesResult {
  model: string;
  input: string;
  out: string;
  format: HPatchesDescriptorFormat;
  /** Sequences described by this run / already in `out` (resume). */
  described: string[];
  skipped: string[];
  patches: number;
  dim: number;
  seconds: number;
}

/**
 * `bench describe --format hpatches-csv|npy`: describe every strip (`ref`, `e1..e5`, `h1..h5`,
 * `t1..t5`) of every sequence of a patch release (the root with `i_*`/`v_*` folders, or one
 * sequence folder) and write `out/<sequence>/<type>.csv|.npy`, the layout `bench eval-hpatches`
 * and the hpatches-benchmark read. Each sequence is written atomically; sequences already in
 * `out` are skipped, so a killed run resumes.
 */
export async function describeHPatches(o: DescribeHPatchesOptions): Promise<DescribeHPatchesResult> {
  const t0 = Date.now();
  if (!existsSync(o.input) || !statSync(o.input).isDirectory()) throw new InputError('expected an HPatches patch release folder (or one sequence folder)', { file: o.input });
  const single = existsSync(join(o.input, 'ref.png'));
  const names = single ? [basename(o.input.replace(/[\\/]+$/, ''))] : listHPatchesSequences(o.input);
  if (names.length === 0) throw new InputError('no sequence folders (i_*, v_*) in the patch release folder', { file: o.input });
  const dirOf = (n: string): string => (single ? o.input : join(o.input, n));
  const done = (n: string): boolean => HPATCHES_IMAGES.every((im) => descriptorFile(join(o.out, n), im, o.format) !== undefined);
  const todo = names.filter((n) => !done(n));
  const skipped = names.filter((n) => done(n));
  if (skipped.length > 0) log.info(`${skipped.length} of ${names.length} sequences already in ${o.out}; resuming with the other ${todo.length}`);
  const runtime = o.runtime ?? 'onnx';
  if (runtime === 'tfjs') await useTfjsBackend(o.backend ?? 'auto');
  const model = await createModel(o.model, { runtime, ...(o.providers !== undefined ? { providers: o.providers } : {}), ...(o.weights !== undefined ? { weights: o.weights } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  let patches = 0;
  try {
    const bar = o.progress === false ? undefined : createProgress(`describe ${o.model} (HPatches sequences)`, todo.length);
    for (const n of todo) {
      const seq = loadHPatchesSequence(dirOf(n), { images: HPATCHES_IMAGES });
      const images = new Map<string, Float32Matrix>();
      for (const [im, set] of seq.images) {
        images.set(im, { data: await describeSet(model, set.data, set.count, set.size, o), rows: set.count, dim: model.dim });
        patches += set.count;
      }
      writeHPatchesDescriptorSequence(o.out, n, images, o.format);
      bar?.tick();
    }
    bar?.done();
    return { model: o.model, input: o.input, out: o.out, format: o.format, described: todo, skipped, patches, dim: model.dim, seconds: (Date.now() - t0) / 1000 };
  } finally {
    model.dispose();
  }
}

/** Descriptors `[count, dim]` of uint8 patches `[count, size, size]`, resized to the model's size as `bench describe` does. */
async function describeSet(model: PatchDescriptor, pixels: Uint8Array, count: number, size: number, o: DescribeHPatchesOptions): Promise<Float32Array> {
  const P = model.patchSize;
  let px = pixels;
  let floatBox = false;
  if (size !== P) {
    const conv: DescribeResize = o.resize ?? (size === 2 * P ? 'box2x2' : 'pil-antialias');
    if ((conv === 'box2x2' || conv === 'box2x2-float') && size !== 2 * P) throw new InputError(`${conv} needs ${2 * P}px patches, got ${size}px`, { at: '--resize' });
    if (conv === 'box2x2-float') floatBox = true;
    else px = resizePatches(pixels, count, size, P, conv);
  }
  const bs = o.batchSize ?? 256;
  const out = new Float32Array(count * model.dim);
  for (let i = 0; i < count; i += bs) {
    const b = Math.min(bs, count - i);
    const x = new Float32Array(b * P * P);
    if (floatBox) boxMeanScaled(pixels, i, b, P, x);
    else {
      const chunk = px.subarray(i * P * P, (i + b) * P * P);
      for (let k = 0; k < x.length; k++) x[k] = (chunk[k] as number) / 255;
    }
    out.set(await model.describe(x, b), i * model.dim);
  }
  return out;
}
