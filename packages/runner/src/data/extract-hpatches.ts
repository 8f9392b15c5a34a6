import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, log } from '@descbench/core';
import { HPATCHES_JITTER, extractHPatchesRelease, listHPatchesSequences, type JitterLevel } from '@descbench/datasets';

export interface ExtractHPatchesSequencesOptions {
  /** A sequences release root (`i_*`/`v_*` folders of `1..6.ppm`, `H_1_2..H_1_6`) or one sequence folder. */
  sequences: string;
  /** Patch release root written: `<out>/<sequence>/{ref,e1..e5,h1..h5,t1..t5}.png`. */
  out: string;
  /** Keep at most this many patches per sequence (default 1000). */
  maxPatches?: number;
  seed?: number;
  progress?: boolean;
}

export interface ExtractHPatchesSequencesResult {
  out: string;
  sequences: string[];
  /** Sequences already in `out` (kept, not re-extracted). */
  skipped: string[];
  jitter: Readonly<Record<'e' | 'h' | 't', JitterLevel>>;
}

/**
 * `bench hpatches-extract`: the patch release (65x65 strips `ref`, `e1..e5`, `h1..h5`, `t1..t5`)
 * from HPatches image sequences, by `extractHPatchesRelease` (datasets/src/hpatches-extract.ts:
 * DoG detections in image 1, regions of 5 sigma, one affine jitter per patch, level and image,
 * mapped through H_1_k). Jitter levels (`HPATCHES_JITTER`): median overlap with the unjittered
 * region 0.85 (easy), 0.72 (hard) as the HPatches README states, 0.6 (tough, our choice).
 * Each sequence is written atomically; sequences already in `out` are skipped (resume).
 */
export function extractHPatchesSequences(o: ExtractHPatchesSequencesOptions): ExtractHPatchesSequencesResult {
  if (o.maxPatches !== undefined && (!Number.isInteger(o.maxPatches) || o.maxPatches < 1)) {
    throw new InputError(`--max-patches must be a positive integer, got ${o.maxPatches}`, { at: '--max-patches' });
  }
  const src = resolve(o.sequences);
  if (!existsSync(src) || !statSync(src).isDirectory()) throw new InputError('expected an HPatches sequences folder', { file: o.sequences });
  const single = existsSync(join(src, '1.ppm')) || existsSync(join(src, 'H_1_2'));
  const root = single ? dirname(src) : src;
  const names = single ? [basename(src)] : listHPatchesSequences(src);
  if (names.length === 0) throw new InputError('no sequence folders (i_*, v_*) with 1.ppm..6.ppm here', { file: o.sequences });
  for (const n of names) if (!/^[iv]_/.test(n)) throw new InputError('a sequence folder name starts with i_ (illumination) or v_ (viewpoint)', { file: join(root, n) });
  const skipped = names.filter((n) => existsSync(join(o.out, n, 'ref.png')));
  if (skipped.length > 0) log.info(`${skipped.length} of ${names.length} sequences already in ${o.out}; extracting the other ${names.length - skipped.length}`);
  extractHPatchesRelease(root, o.out, {
    sequences: names,
    ...(o.maxPatches !== undefined ? { maxPatches: o.maxPatches } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.progress !== undefined ? { progress: o.progress } : {}),
  });
  return { out: o.out, sequences: names, skipped, jitter: HPATCHES_JITTER };
}
