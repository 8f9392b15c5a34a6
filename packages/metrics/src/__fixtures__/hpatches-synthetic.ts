import { SeededRng } from '@descbench/core';
import type { DescriptorMatrix, HPatchesDescriptors, HPatchesImage, HPatchesSequenceDescriptors, PatchRef, VerificationPair, VerificationTask } from '../index';
import { HPATCHES_IMAGES } from '../index';

/**
 * A tiny synthetic HPatches-like set: sequences i_a, v_b, v_c with 7 patches of dimension 4 per
 * image; image `<noise><k>` = ref + noise growing with the level. `quantized` rounds every value
 * to a multiple of 0.25 (many tied distances); otherwise values are float64 with no exact float32
 * representation (the retrieval task casts them; AP only changes if that reorders distances). Task lists are drawn with the same
 * generator. The expected numbers in hpatches-tasks.test.ts were computed from `toJson()` of these
 * sets by a numpy/scipy script following hpatches-benchmark python/utils/tasks.py at authoring time.
 */
export interface SyntheticHPatches {
  descr: HPatchesDescriptors;
  verification: VerificationTask;
  queries: PatchRef[];
  distractors: PatchRef[];
  sequences: string[];
}

export function syntheticHPatches(quantized: boolean, seed = 11): SyntheticHPatches {
  const rng = new SeededRng(seed);
  const sequences = ['i_a', 'v_b', 'v_c'];
  const n = 7;
  const dim = 4;
  const q = (x: number): number => (quantized ? Math.round(x * 4) / 4 : x);
  const descr = new Map<string, HPatchesSequenceDescriptors>();
  for (const s of sequences) {
    const ref = Array.from({ length: n * dim }, () => q(rng.normal()));
    const seq = {} as Record<HPatchesImage, DescriptorMatrix>;
    for (const im of HPATCHES_IMAGES) {
      const level = im === 'ref' ? 0 : im[0] === 'e' ? 0.3 : im[0] === 'h' ? 0.7 : 1.2;
      const data = Float64Array.from(ref, (v) => (level === 0 ? v : q(v + level * rng.normal())));
      seq[im] = { data, rows: n, dim };
    }
    descr.set(s, seq);
  }
  const pick = <T>(a: readonly T[]): T => a[rng.int(0, a.length - 1)] as T;
  const positives: VerificationPair[] = [];
  const negIntra: VerificationPair[] = [];
  const negInter: VerificationPair[] = [];
  for (let i = 0; i < 25; i++) {
    const s = pick(sequences);
    const i1 = rng.int(0, n - 1);
    let i2 = rng.int(0, n - 2);
    if (i2 >= i1) i2++;
    const t1 = rng.int(0, 5);
    let t2 = rng.int(0, 4);
    if (t2 >= t1) t2++;
    positives.push({ s1: s, t1, idx1: i1, s2: s, t2, idx2: i1 });
    negIntra.push({ s1: s, t1, idx1: i1, s2: s, t2, idx2: i2 });
    negInter.push({ s1: s, t1, idx1: i1, s2: pick(sequences), t2, idx2: rng.int(0, n - 1) });
  }
  const queries: PatchRef[] = Array.from({ length: 6 }, () => ({ s: pick(sequences), idx: rng.int(0, n - 1) }));
  const distractors: PatchRef[] = Array.from({ length: 15 }, () => ({ s: pick(sequences), idx: rng.int(0, n - 1) }));
  return { descr, verification: { positives, negIntra, negInter }, queries, distractors, sequences };
}

/** Plain JSON of a synthetic set (what the authoring-time numpy script read). */
export function toJson(x: SyntheticHPatches): string {
  const descr: Record<string, Record<string, number[][]>> = {};
  for (const [s, seq] of x.descr) {
    descr[s] = {};
    for (const im of HPATCHES_IMAGES) {
      const m = seq[im];
      (descr[s] as Record<string, number[][]>)[im] = Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim)));
    }
  }
  return JSON.stringify({ descr, verification: x.verification, queries: x.queries, distractors: x.distractors, sequences: x.sequences });
}
