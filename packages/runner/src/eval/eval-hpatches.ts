import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, createProgress, log, writeFileAtomicSync } from '@descbench/core';
import {
  drawHPatchesPairs,
  HPATCHES_DESCRIPTOR_FORMATS,
  listHPatchesDescriptorSequences,
  readHPatchesDescriptorSequence,
  readHPatchesPairList,
  readHPatchesPatchList,
  readHPatchesSplits,
  resolveDataRoot,
  selectPairs,
  type HPatchesDescriptorFormat,
  type HPatchesPairList,
  type HPatchesPatchList,
} from '@descbench/datasets';
import {
  AP_CONVENTIONS,
  DESCRIPTOR_DISTANCES,
  HPATCHES_NOISE,
  HPATCHES_RETRIEVAL_POOLS,
  hpatchesMatching,
  hpatchesRetrieval,
  hpatchesVerification,
  summarizeMatching,
  summarizeRetrieval,
  summarizeVerification,
  type ApConvention,
  type DescriptorDistance,
  type HPatchesSequenceDescriptors,
  type MatchingResult,
  type PatchRef,
  type RetrievalResult,
  type VerificationPair,
  type VerificationResult,
} from '@descbench/metrics';

export const HPATCHES_TASKS = ['verification', 'matching', 'retrieval'] as const;
/** The choices of the eval-hpatches options, for the CLI. */
export const HPATCHES_EVAL_CHOICES = { ap: AP_CONVENTIONS, distance: DESCRIPTOR_DISTANCES, format: HPATCHES_DESCRIPTOR_FORMATS } as const;
export type { ApConvention, DescriptorDistance, HPatchesDescriptorFormat };
export type HPatchesTask = (typeof HPATCHES_TASKS)[number];

export interface EvalHPatchesOptions {
  /** Descriptor root: `<sequence>/<patch type>.csv|.npy`. */
  descriptors: string;
  /** Task definitions folder (splits.json or splits/splits.json, verif_*, retr_*); default `<data root>/hpatches/tasks`. */
  tasksDir?: string;
  dataDir?: string;
  /** Split name in splits.json; default `a`. */
  split?: string;
  tasks?: readonly HPatchesTask[];
  ap?: ApConvention;
  distance?: DescriptorDistance;
  format?: HPatchesDescriptorFormat;
  delimiter?: string;
  /**
   * Evaluate only the split's sequences that the descriptor folder holds (announced on stderr):
   * matching on those, verification on the pairs among them, retrieval only when its lists need
   * nothing else. Without it a split sequence missing from the folder is an InputError.
   */
  onlyPresent?: boolean;
  /** Pool sizes of the retrieval task (default the benchmark's 100 .. 20000). */
  pools?: readonly number[];
  /** Verification pairs to draw when the split's lists are absent (default: the share of the benchmark's 1M for the sequences evaluated). */
  drawnPairs?: number;
  /** Progress on stderr (default true). */
  progress?: boolean;
  /** Per-case results (JSON) written here atomically. */
  out?: string;
}

export interface VerificationReport {
  /** Mean imbalanced AP over e/h/t x intra/inter (the article number), fraction. */
  mAP: number;
  /** Mean balanced ROC AUC. */
  balancedAuc: number;
  /** `<noise>.<intra|inter>.<imbalanced|balanced>` -> value. */
  cases: Record<string, number>;
  /** `benchmark`: the split's verif_*.csv lists; `drawn`: drawn like the benchmark's gen_verif (lists absent). */
  pairs: 'benchmark' | 'drawn';
  positives: number;
}

export interface MatchingReport {
  mAP: number;
  /** `<noise>.<i|v>` -> mean AP. */
  cases: Record<string, number>;
  /** Mean over e/h/t per sequence type, when present. */
  illum?: number;
  view?: number;
  sequences: number;
}

export interface RetrievalReport {
  mAP: number;
  cases: Record<string, number>;
  queries: number;
  distractors: number;
  pools: number[];
}

export interface EvalHPatchesResult {
  split: string;
  distance: DescriptorDistance;
  ap: ApConvention;
  /** Split test sequences evaluated. */
  sequences: string[];
  /** Split test sequences absent from the descriptor folder (only with onlyPresent). */
  missing: string[];
  verification?: VerificationReport;
  matching?: MatchingReport;
  retrieval?: RetrievalReport;
  /** Task -> why it was not evaluated. */
  skipped: Record<string, string>;
  /** Per-case values (written to `out`): verification per case, matching per sequence/noise/image, retrieval per pool/noise/query. */
  perCase: {
    verification?: VerificationResult;
    matching?: Record<string, Record<string, { ap: number; sr: number }[]>>;
    retrieval?: Record<string, Record<string, number[]>>;
  };
}

/** The task definitions folder: `tasksDir`, else the `bench fetch hpatches-tasks` location. */
export function resolveTasksDir(o: { tasksDir?: string; dataDir?: string }): string {
  const dir = o.tasksDir ?? join(resolveDataRoot(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}), 'hpatches', 'tasks');
  if (!existsSync(dir)) {
    throw new InputError(`HPatches task definitions not found; fetch them with \`bench fetch hpatches-tasks\` or pass --tasks-dir`, { file: dir });
  }
  return dir;
}

function splitsFile(tasksDir: string): string {
  for (const f of [join(tasksDir, 'splits.json'), join(tasksDir, 'splits', 'splits.json')]) if (existsSync(f)) return f;
  throw new InputError('no splits.json (nor splits/splits.json) in the task definitions folder', { file: tasksDir });
}

const TASK_FILES = {
  verification: (s: string) => [`verif_pos_split-${s}.csv`, `verif_neg_intra_split-${s}.csv`, `verif_neg_inter_split-${s}.csv`],
  retrieval: (s: string) => [`retr_queries_split-${s}.csv`, `retr_distractors_split-${s}.csv`],
};

/**
 * `bench eval-hpatches`: the three HPatches tasks on descriptors in the hpatches-benchmark
 * layout, with the benchmark's task definitions, as its python code computes them
 * (hpatches-benchmark `python/utils/tasks.py`, summary as `utils/results.py`), AP by the named
 * convention. Descriptors are cast to float32 on load, as the benchmark does.
 */
export function evalHPatches(o: EvalHPatchesOptions): EvalHPatchesResult {
  const tasks = o.tasks ?? HPATCHES_TASKS;
  const ap = o.ap ?? 'python';
  const distance = o.distance ?? 'L2';
  const tasksDir = resolveTasksDir(o);
  const sfile = splitsFile(tasksDir);
  const splitName = o.split ?? 'a';
  const split = readHPatchesSplits(sfile).get(splitName);
  if (split === undefined) throw new InputError(`no split "${splitName}"`, { file: sfile });
  const present = new Set(listHPatchesDescriptorSequences(o.descriptors));
  const missing = split.test.filter((s) => !present.has(s));
  if (missing.length > 0 && !o.onlyPresent) {
    throw new InputError(`missing sequence ${missing[0]} of split ${splitName} (${missing.length} of ${split.test.length} missing; --only-present evaluates the ones there)`, {
      file: join(o.descriptors, missing[0] as string),
    });
  }
  const sequences = split.test.filter((s) => present.has(s));
  if (sequences.length === 0) throw new InputError(`the descriptor folder holds none of the ${split.test.length} sequences of split ${splitName}`, { file: o.descriptors });
  if (missing.length > 0) {
    log.info(`evaluating the ${sequences.length} of ${split.test.length} sequences of split ${splitName} present in ${o.descriptors}: ${abbrev(sequences)}`);
  }

  // the split's sequences, and later any other sequence of the folder a task list names (the
  // benchmark loads the whole folder)
  const descr = new Map<string, HPatchesSequenceDescriptors>();
  const load = (names: readonly string[]): void => {
    const todo = [...new Set(names)].filter((s) => !descr.has(s) && present.has(s));
    const loading = o.progress === false ? undefined : lateProgress('read descriptors', todo.length);
    for (const s of todo) {
      const m = readHPatchesDescriptorSequence(join(o.descriptors, s), { ...(o.format !== undefined ? { format: o.format } : {}), ...(o.delimiter !== undefined ? { delimiter: o.delimiter } : {}) });
      const dim = (m.get('ref') as { dim: number }).dim;
      const first = descr.values().next();
      if (!first.done && first.value.ref.dim !== dim) {
        throw new InputError(`descriptor dimension ${dim}, but the other sequences have ${first.value.ref.dim}`, { file: join(o.descriptors, s) });
      }
      descr.set(s, Object.fromEntries(m) as unknown as HPatchesSequenceDescriptors);
      loading?.tick();
    }
    loading?.done();
  };
  load(sequences);
  const counts = new Map(sequences.map((s) => [s, (descr.get(s) as HPatchesSequenceDescriptors).ref.rows]));
  const out: EvalHPatchesResult = { split: splitName, distance, ap, sequences, missing, skipped: {}, perCase: {} };

  if (tasks.includes('verification')) {
    const files = TASK_FILES.verification(splitName).map((f) => join(tasksDir, f));
    let lists: { positives: HPatchesPairList; negIntra: HPatchesPairList; negInter: HPatchesPairList };
    let kind: 'benchmark' | 'drawn';
    if (files.every((f) => existsSync(f))) {
      const [pos, intra, inter] = files.map(readHPatchesPairList) as [HPatchesPairList, HPatchesPairList, HPatchesPairList];
      if (intra.s1.length !== pos.s1.length || inter.s1.length !== pos.s1.length) {
        throw new InputError(`verification lists differ in length (positives ${pos.s1.length}, intra ${intra.s1.length}, inter ${inter.s1.length}); the benchmark pairs them row by row`, { file: files[1] });
      }
      lists = { positives: pos, negIntra: intra, negInter: inter };
      kind = 'benchmark';
      if (missing.length > 0) {
        // row i of the three lists starts at the same patch: keep the rows whose pairs all lie in present sequences
        const keep: number[] = [];
        for (let i = 0; i < pos.s1.length; i++) {
          if ([pos.s1[i], pos.s2[i], intra.s2[i], inter.s2[i]].every((s) => present.has(s as string))) keep.push(i);
        }
        if (keep.length === 0) throw new InputError(`no verification pair of split ${splitName} lies within the sequences present`, { file: files[0] });
        lists = { positives: selectPairs(pos, keep), negIntra: selectPairs(intra, keep), negInter: selectPairs(inter, keep) };
        log.info(`verification: the ${keep.length} of ${pos.s1.length} rows of the split's pair lists within the sequences present`);
      }
    } else {
      // the benchmark draws 1M pairs over the split; draw the share of the sequences present
      const n = o.drawnPairs ?? Math.max(1000, Math.round((1e6 * sequences.length) / split.test.length));
      if (!Number.isInteger(n) || n < 1) throw new InputError(`the number of verification pairs to draw must be a positive integer, got ${n}`);
      lists = drawHPatchesPairs(counts, n);
      kind = 'drawn';
      log.info(`verification: ${files.filter((f) => !existsSync(f)).join(', ')} not found (\`bench fetch hpatches-tasks\`); using ${n} pairs drawn like the benchmark's gen_verif over the sequences present -- not the benchmark's lists`);
    }
    load([lists.positives, lists.negIntra, lists.negInter].flatMap((l) => [...l.s1, ...l.s2]));
    const task = { positives: toPairs(lists.positives), negIntra: toPairs(lists.negIntra), negInter: toPairs(lists.negInter) };
    const v = withFile(files[0] as string, () => hpatchesVerification(descr, task, { distance, apConvention: ap }));
    const sv = summarizeVerification(v);
    out.verification = { mAP: sv.imbalanced, balancedAuc: sv.balanced, cases: sv.cases, pairs: kind, positives: task.positives.length };
    out.perCase.verification = v;
  }

  if (tasks.includes('matching')) {
    // one sequence at a time, for progress (the full split is 116 all-pairs distance matrices x 15)
    const m: MatchingResult = new Map();
    const bar = o.progress === false ? undefined : createProgress('matching', sequences.length);
    for (const s of sequences) {
      for (const [k, v] of hpatchesMatching(descr, [s], { distance, apConvention: ap })) m.set(k, v);
      bar?.tick();
    }
    bar?.done();
    const sm = summarizeMatching(m);
    const byType = (type: string): number | undefined => {
      const v = HPATCHES_NOISE.map((t) => sm.cases[`${t}.${type}`]).filter((x): x is number => x !== undefined);
      return v.length === 0 ? undefined : v.reduce((a, b) => a + b, 0) / v.length;
    };
    const illum = byType('i');
    const view = byType('v');
    out.matching = { mAP: sm.mean, cases: sm.cases, sequences: sequences.length, ...(illum !== undefined ? { illum } : {}), ...(view !== undefined ? { view } : {}) };
    out.perCase.matching = matchingJson(m);
    if (illum === undefined || view === undefined) {
      log.info(`matching: no ${illum === undefined ? 'illumination (i_*)' : 'viewpoint (v_*)'} sequence evaluated; the mean covers the type present (the benchmark's would be NaN)`);
    }
  }

  if (tasks.includes('retrieval')) {
    const files = TASK_FILES.retrieval(splitName).map((f) => join(tasksDir, f));
    const absent = files.filter((f) => !existsSync(f));
    if (absent.length > 0) {
      out.skipped.retrieval = `lacks ${absent.join(', ')} (\`bench fetch hpatches-tasks\`)`;
    } else {
      const [q, d] = files.map(readHPatchesPatchList) as [HPatchesPatchList, HPatchesPatchList];
      const need = new Set([...q.sequence, ...d.sequence].filter((s) => !present.has(s)));
      if (need.size > 0) {
        if (!o.onlyPresent) {
          const [f, list] = q.sequence.some((s) => need.has(s)) ? [files[0] as string, q] : [files[1] as string, d];
          const line = list.sequence.findIndex((s) => need.has(s)) + 2;
          throw new InputError(`sequence ${list.sequence[line - 2]} is not in the descriptor folder`, { file: f, line });
        }
        out.skipped.retrieval = `its query and distractor lists also need ${need.size} sequences not in ${o.descriptors} (${abbrev([...need].sort())})`;
      } else {
        load([...q.sequence, ...d.sequence]);
        const pools = [...(o.pools ?? HPATCHES_RETRIEVAL_POOLS)];
        const queries = patchRefs(q);
        const distractors = patchRefs(d);
        const r = withFile(files[0] as string, () => hpatchesRetrieval(descr, queries, distractors, { distance, pools, apConvention: ap }));
        const sr = summarizeRetrieval(r);
        out.retrieval = { mAP: sr.mean, cases: sr.cases, queries: queries.length, distractors: distractors.length, pools };
        out.perCase.retrieval = retrievalJson(r, pools);
      }
    }
    if (out.skipped.retrieval !== undefined) log.info(`retrieval skipped: ${out.skipped.retrieval}`);
  }

  if (o.out !== undefined) writeFileAtomicSync(o.out, `${JSON.stringify(out)}\n`);
  return out;
}

/**
 * Progress that shows only once the work has taken 2 s, so that a bad file found early is the
 * only line on stderr.
 */
function lateProgress(label: string, total: number): { tick(): void; done(): void } {
  const t0 = Date.now();
  let n = 0;
  let bar: ReturnType<typeof createProgress> | undefined;
  return {
    tick() {
      n++;
      if (bar !== undefined) bar.tick();
      else if (Date.now() - t0 > 2000) {
        bar = createProgress(label, total);
        bar.tick(n);
      }
    },
    done() {
      bar?.done();
    },
  };
}

/** Metric input errors (patch index out of range, unknown sequence) name the task file they came from. */
function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError && e.location.file === undefined) throw new InputError(e.detail, { ...e.location, file });
    throw e;
  }
}

function toPairs(l: HPatchesPairList): VerificationPair[] {
  return l.s1.map((s1, i) => ({ s1, t1: l.t1[i] as number, idx1: l.idx1[i] as number, s2: l.s2[i] as string, t2: l.t2[i] as number, idx2: l.idx2[i] as number }));
}

function patchRefs(l: HPatchesPatchList): PatchRef[] {
  return l.sequence.map((s, i) => ({ s, idx: l.index[i] as number }));
}

function matchingJson(m: MatchingResult): Record<string, Record<string, { ap: number; sr: number }[]>> {
  const o: Record<string, Record<string, { ap: number; sr: number }[]>> = {};
  for (const [s, per] of m) o[s] = Object.fromEntries(HPATCHES_NOISE.map((t) => [t, per[t].map((x) => ({ ap: x.ap, sr: x.sr }))]));
  return o;
}

function retrievalJson(r: RetrievalResult, pools: readonly number[]): Record<string, Record<string, number[]>> {
  const o: Record<string, Record<string, number[]>> = {};
  pools.forEach((k, pi) => (o[String(k)] = Object.fromEntries(HPATCHES_NOISE.map((t) => [t, Array.from(r[t][pi] as Float64Array)]))));
  return o;
}

function abbrev(names: readonly string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
