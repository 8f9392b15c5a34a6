import { createProgress, InputError } from '@descbench/core';
import { aggregateImage, type Codebook } from './aggregate';
import { AsmkInvertedFile } from './inverted-file';
import { kmeans } from './kmeans';
import { ASMK_KERNEL, type SelectiveKernel } from './selective-kernel';

/** One image's local descriptors, `[count, dim]` rows. */
export interface LocalDescriptors {
  rows: Float32Array;
  count: number;
}

export interface AsmkOptions {
  /** Visual words (65,536 in HOW / FIRe's configs). */
  codebookSize: number;
  seed: number;
  kmeansIterations?: number;
  /** Words per database descriptor (1) and per query descriptor (5). */
  dbAssignment?: number;
  queryAssignment?: number;
  kernel?: SelectiveKernel;
}

/** HOW / FIRe's ASMK settings (binary residuals, no idf). */
export const ASMK_DEFAULTS = { dbAssignment: 1, queryAssignment: 5, kernel: ASMK_KERNEL } as const;

function stack(images: LocalDescriptors[], dim: number): { rows: Float32Array; count: number } {
  const count = images.reduce((a, im) => a + im.count, 0);
  const rows = new Float32Array(count * dim);
  let at = 0;
  for (const im of images) {
    rows.set(im.rows.subarray(0, im.count * dim), at);
    at += im.count * dim;
  }
  return { rows, count };
}

/** Learn a codebook on the descriptors of training images (k-means, seeded). */
export function trainCodebook(images: LocalDescriptors[], dim: number, o: AsmkOptions): Codebook {
  const { rows, count } = stack(images, dim);
  const r = kmeans(rows, count, dim, o.codebookSize, { seed: o.seed, ...(o.kmeansIterations !== undefined ? { iterations: o.kmeansIterations } : {}) });
  return { centroids: r.centroids, k: r.k, dim };
}

/** Index database images and search queries with ASMK; returns per-query scores `[Q][N]`. */
export function asmkSearch(codebook: Codebook, db: LocalDescriptors[], queries: LocalDescriptors[], o: Partial<AsmkOptions> = {}): { scores: Float64Array[]; memoryBytes: number; ivf: AsmkInvertedFile } {
  const kernel = o.kernel ?? ASMK_DEFAULTS.kernel;
  const dbA = o.dbAssignment ?? ASMK_DEFAULTS.dbAssignment;
  const qA = Math.min(o.queryAssignment ?? ASMK_DEFAULTS.queryAssignment, codebook.k);
  if (db.length === 0) throw new InputError('ASMK: the database has no images');
  const ivf = new AsmkInvertedFile(codebook.k, codebook.dim, kernel);
  const progress = createProgress('asmk', db.length + queries.length);
  for (const im of db) {
    ivf.add(aggregateImage(im.rows, im.count, codebook, dbA, kernel));
    progress.tick();
  }
  const scores = queries.map((q) => {
    const s = ivf.search(aggregateImage(q.rows, q.count, codebook, qA, kernel));
    progress.tick();
    return s;
  });
  progress.done();
  return { scores, memoryBytes: ivf.memoryBytes(), ivf };
}
