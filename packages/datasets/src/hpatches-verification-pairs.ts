import { InputError, SeededRng } from '@descbench/core';
import { readLines } from './text-table';

/**
 * HPatches verification pair lists (hpatches-benchmark `tasks/verif_{pos,neg_intra,neg_inter}_split-<X>.csv`):
 * header `s1,t1,idx1,s2,t2,idx2`, one pair a line: sequence, image id (0 = ref, 1..5 = the
 * noise level's image), patch index, twice.
 */
export interface HPatchesPairList {
  s1: string[];
  t1: Int32Array;
  idx1: Int32Array;
  s2: string[];
  t2: Int32Array;
  idx2: Int32Array;
}

const HEADER = ['s1', 't1', 'idx1', 's2', 't2', 'idx2'];

export function readHPatchesPairList(file: string): HPatchesPairList {
  const lines = readLines(file);
  if (lines.length === 0) throw new InputError(`empty file (expected header "${HEADER.join(',')}")`, { file, line: 1 });
  const header = (lines[0] as string).split(',').map((h) => h.trim());
  if (header.join(',') !== HEADER.join(',')) throw new InputError(`expected header "${HEADER.join(',')}", found ${JSON.stringify(lines[0])}`, { file, line: 1 });
  const n = lines.length - 1;
  const out: HPatchesPairList = { s1: new Array(n), t1: new Int32Array(n), idx1: new Int32Array(n), s2: new Array(n), t2: new Int32Array(n), idx2: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const line = i + 2;
    const c = (lines[i + 1] as string).split(',').map((x) => x.trim());
    if (c.length !== 6) throw new InputError(`expected 6 comma-separated fields, found ${c.length}`, { file, line });
    for (const [k, col] of [[0, 's1'], [3, 's2']] as const) {
      if (!/^[iv]_\S+$/.test(c[k] as string)) throw new InputError(`bad sequence name ${JSON.stringify(c[k])}`, { file, line, column: col });
    }
    const int = (k: number, col: string, max?: number): number => {
      const t = c[k] as string;
      if (!/^\d+$/.test(t) || (max !== undefined && Number(t) > max)) {
        throw new InputError(`${col} must be an integer${max !== undefined ? ` in 0..${max}` : ' >= 0'}, got ${JSON.stringify(t)}`, { file, line, column: col });
      }
      return Number(t);
    };
    out.s1[i] = c[0] as string;
    out.t1[i] = int(1, 't1', 5);
    out.idx1[i] = int(2, 'idx1');
    out.s2[i] = c[3] as string;
    out.t2[i] = int(4, 't2', 5);
    out.idx2[i] = int(5, 'idx2');
  }
  return out;
}

/** Rows `keep` of a pair list, in order. */
export function selectPairs(l: HPatchesPairList, keep: readonly number[]): HPatchesPairList {
  return {
    s1: keep.map((i) => l.s1[i] as string),
    t1: Int32Array.from(keep, (i) => l.t1[i] as number),
    idx1: Int32Array.from(keep, (i) => l.idx1[i] as number),
    s2: keep.map((i) => l.s2[i] as string),
    t2: Int32Array.from(keep, (i) => l.t2[i] as number),
    idx2: Int32Array.from(keep, (i) => l.idx2[i] as number),
  };
}

/**
 * Pair lists drawn the way the benchmark's `gen_verif` draws them (with our seeded generator, so
 * not the released lists): per row a sequence s uniformly from `counts`, two distinct patches a, b
 * and two distinct image ids t1, t2 from 0..4; positive (s,t1,a)-(s,t2,a), intra negative
 * (s,t1,a)-(s,t2,b), inter negative (s,t1,a)-(s',t2,c) with s' uniform (it may equal s) and c
 * uniform in s'. Sequences need at least 2 patches.
 */
export function drawHPatchesPairs(
  counts: ReadonlyMap<string, number>,
  n: number,
  seed = 42,
): { positives: HPatchesPairList; negIntra: HPatchesPairList; negInter: HPatchesPairList } {
  const seqs = [...counts.keys()];
  if (seqs.length === 0) throw new InputError('no sequences to draw verification pairs from');
  for (const s of seqs) if ((counts.get(s) as number) < 2) throw new InputError(`sequence ${s} has fewer than 2 patches; cannot draw verification pairs`);
  const rng = new SeededRng(seed);
  const mk = (): HPatchesPairList => ({ s1: new Array(n), t1: new Int32Array(n), idx1: new Int32Array(n), s2: new Array(n), t2: new Int32Array(n), idx2: new Int32Array(n) });
  const pos = mk();
  const intra = mk();
  const inter = mk();
  for (let i = 0; i < n; i++) {
    const s = seqs[rng.int(0, seqs.length - 1)] as string;
    const len = counts.get(s) as number;
    const a = rng.int(0, len - 1);
    let b = rng.int(0, len - 2);
    if (b >= a) b++;
    const t1 = rng.int(0, 4);
    let t2 = rng.int(0, 3);
    if (t2 >= t1) t2++;
    const s2 = seqs[rng.int(0, seqs.length - 1)] as string;
    const c = rng.int(0, (counts.get(s2) as number) - 1);
    for (const [l, ss, ii] of [[pos, s, a], [intra, s, b], [inter, s2, c]] as const) {
      l.s1[i] = s;
      l.t1[i] = t1;
      l.idx1[i] = a;
      l.s2[i] = ss;
      l.t2[i] = t2;
      l.idx2[i] = ii;
    }
  }
  return { positives: pos, negIntra: intra, negInter: inter };
}
