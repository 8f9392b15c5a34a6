import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import {
  drawHPatchesPairs,
  loadHPatchesRelease,
  readHPatchesPairList,
  readHPatchesPatchList,
  readHPatchesSplits,
  resizePatches,
  HPATCHES_IMAGES,
  type HPatchesPairList,
  type HPatchesSequence,
  type ResizeConvention,
} from '@descbench/datasets';
import {
  hpatchesMatching,
  hpatchesRetrieval,
  hpatchesVerification,
  summarizeHPatches,
  type DescriptorMatrix,
  type HPatchesDescriptors,
  type HPatchesImage,
  type HPatchesSequenceDescriptors,
  type HPatchesSummary,
  type PatchRef,
  type VerificationPair,
  type VerificationTask,
} from '@descbench/metrics';
import type { PatchDescriptor } from '@descbench/models';

/**
 * One HPatches test split, loaded for the three tasks of the benchmark: the split's test sequences
 * (all 16 images), the verification pairs (the split's `verif_*` lists, or, where they are absent,
 * pairs drawn like the benchmark's `gen_verif`) and the retrieval lists of the split; sequences
 * that only hold distractors are loaded with their `ref` image alone.
 */
export interface HPatchesBenchmark {
  split: string;
  /** Test sequences of the split, sorted. */
  test: string[];
  sequences: Map<string, HPatchesSequence>;
  verification: VerificationTask;
  /** `benchmark`: the split's lists; `drawn`: drawn here (lists absent). */
  pairs: 'benchmark' | 'drawn';
  queries: PatchRef[];
  distractors: PatchRef[];
}

function pairs(p: HPatchesPairList): VerificationPair[] {
  return p.s1.map((s1, i) => ({ s1, t1: p.t1[i]!, idx1: p.idx1[i]!, s2: p.s2[i]!, t2: p.t2[i]!, idx2: p.idx2[i]! }));
}

const VERIF = (split: string): string[] => [`verif_pos_split-${split}.csv`, `verif_neg_intra_split-${split}.csv`, `verif_neg_inter_split-${split}.csv`];

/**
 * Load split `split` of a patch release (`releaseDir`) with its task files (`tasksDir`).
 * Without the split's verification lists, `drawnPairs` pairs are drawn over the test sequences
 * (the benchmark's `gen_verif` draws 1M over a split).
 */
export function loadHPatchesBenchmark(releaseDir: string, tasksDir: string, split = 'a', o: { drawnPairs?: number } = {}): HPatchesBenchmark {
  const splitsFile = join(tasksDir, 'splits.json');
  const s = readHPatchesSplits(splitsFile).get(split);
  if (s === undefined) throw new InputError(`no split "${split}"`, { file: splitsFile });
  const retr = [`retr_queries_split-${split}.csv`, `retr_distractors_split-${split}.csv`].map((f) => join(tasksDir, f)) as [string, string];
  for (const f of retr) if (!existsSync(f)) throw new InputError(`missing HPatches retrieval list of split ${split} (bench fetch hpatches-tasks; generated data writes it)`, { file: f });
  const list = (file: string): PatchRef[] => {
    const l = readHPatchesPatchList(file);
    return l.sequence.map((seq, i) => ({ s: seq, idx: l.index[i]! }));
  };
  const queries = list(retr[0]);
  const distractors = list(retr[1]);
  const test = [...s.test].sort();
  const testSeqs = loadHPatchesRelease(releaseDir, { sequences: test });
  const verifFiles = VERIF(split).map((f) => join(tasksDir, f));
  let verification: VerificationTask;
  let kind: 'benchmark' | 'drawn';
  if (verifFiles.every((f) => existsSync(f))) {
    const [p, intra, inter] = verifFiles.map(readHPatchesPairList) as [HPatchesPairList, HPatchesPairList, HPatchesPairList];
    verification = { positives: pairs(p), negIntra: pairs(intra), negInter: pairs(inter) };
    kind = 'benchmark';
  } else {
    const d = drawHPatchesPairs(new Map([...testSeqs].map(([n, q]) => [n, q.count])), o.drawnPairs ?? 1_000_000);
    verification = { positives: pairs(d.positives), negIntra: pairs(d.negIntra), negInter: pairs(d.negInter) };
    kind = 'drawn';
  }
  // Every image of the sequences the tasks compare across images; `ref` alone of distractor-only ones.
  const full = new Set<string>(test);
  for (const q of [...verification.positives, ...verification.negIntra, ...verification.negInter]) {
    full.add(q.s1);
    full.add(q.s2);
  }
  for (const q of queries) full.add(q.s);
  const more = [...full].filter((n) => !testSeqs.has(n)).sort();
  const refOnly = [...new Set(distractors.map((x) => x.s).filter((n) => !full.has(n)))].sort();
  const sequences = new Map<string, HPatchesSequence>([
    ...testSeqs,
    ...loadHPatchesRelease(releaseDir, { sequences: more }),
    ...loadHPatchesRelease(releaseDir, { sequences: refOnly, images: ['ref'] }),
  ]);
  return { split, test, sequences, verification, pairs: kind, queries, distractors };
}

/** Patches fed to a network: resized from 65 px to its input size (`convention`) and scaled to [0, 1]. */
export interface DescribeHPatchesOptions {
  /**
   * Default `pil-antialias` (65 -> 32 is not an exact 2x, so `box2x2` does not apply); the HyNet
   * replays (hpatches kind) pass `opencv-linear`, as HardNet's / HyNet's code resizes.
   */
  resize?: ResizeConvention;
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

const EMPTY = (dim: number): DescriptorMatrix => ({ data: new Float32Array(0), rows: 0, dim });

/** Descriptors of every loaded image of every sequence; images not loaded are empty matrices. */
export async function describeHPatches(model: PatchDescriptor, b: HPatchesBenchmark, o: DescribeHPatchesOptions = {}): Promise<HPatchesDescriptors> {
  const P = model.patchSize;
  const batch = o.batch ?? 256;
  const total = [...b.sequences.values()].reduce((n, s) => n + s.count * s.images.size, 0);
  let done = 0;
  const out = new Map<string, HPatchesSequenceDescriptors>();
  for (const [name, seq] of b.sequences) {
    const images = {} as Record<HPatchesImage, DescriptorMatrix>;
    for (const im of HPATCHES_IMAGES as readonly HPatchesImage[]) {
      const set = seq.images.get(im);
      if (set === undefined) {
        images[im] = EMPTY(model.dim);
        continue;
      }
      const px = set.size === P ? set.data : resizePatches(set.data, set.count, set.size, P, o.resize ?? 'pil-antialias');
      const data = new Float32Array(set.count * model.dim);
      for (let i = 0; i < set.count; i += batch) {
        const n = Math.min(batch, set.count - i);
        const x = new Float32Array(n * P * P);
        const chunk = px.subarray(i * P * P, (i + n) * P * P);
        for (let k = 0; k < x.length; k++) x[k] = chunk[k]! / 255;
        data.set(await model.describe(x, n), i * model.dim);
        done += n;
        o.onProgress?.(done, total);
      }
      images[im] = { data, rows: set.count, dim: model.dim };
    }
    out.set(name, images);
  }
  return out;
}

/**
 * The three tasks on the split and the benchmark's article summary (fractions in [0, 1]): mean
 * verification AP (imbalanced), matching mAP and retrieval mAP, each with its cases (e/h/t x
 * intra/inter, e/h/t x i/v, e/h/t). `pools`: retrieval pool sizes (default the benchmark's).
 */
export function evaluateHPatches(descr: HPatchesDescriptors, b: HPatchesBenchmark, o: { pools?: readonly number[] } = {}): HPatchesSummary {
  const v = hpatchesVerification(descr, b.verification);
  const m = hpatchesMatching(descr, b.test);
  const r = hpatchesRetrieval(descr, b.queries, b.distractors, o.pools !== undefined ? { pools: o.pools } : {});
  return summarizeHPatches(v, m, r);
}

/** Mean of the named cases per noise level (e/h/t), as percentages: the Easy / Hard / Tough breakdown of the figure. */
export function noiseBreakdown(s: HPatchesSummary): Record<'verification' | 'matching' | 'retrieval', Record<'e' | 'h' | 't', number>> {
  const by = (cases: Record<string, number>, t: string, suffix?: string): number => {
    const vals = Object.entries(cases)
      .filter(([k]) => k.startsWith(`${t}.`) && (suffix === undefined || k.endsWith(suffix)))
      .map(([, v]) => v);
    return (100 * vals.reduce((a, x) => a + x, 0)) / vals.length;
  };
  const out = { verification: {}, matching: {}, retrieval: {} } as ReturnType<typeof noiseBreakdown>;
  for (const t of ['e', 'h', 't'] as const) {
    out.verification[t] = by(s.verificationCases, t, '.imbalanced');
    out.matching[t] = by(s.matchingCases, t);
    out.retrieval[t] = 100 * s.retrievalCases[t];
  }
  return out;
}
