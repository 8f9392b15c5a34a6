import { readFileSync } from 'node:fs';
import { InputError } from '@descbench/core';
import { readUbcPairs } from '@descbench/datasets';
import { fpr95, type Fpr95Convention, type HardnetTieRule } from '@descbench/metrics';
import { readNumericMatrix } from './read-matrix';

export interface EvalPairsOptions {
  /** UBC `m50_*.txt` pairs file (columns 0 patch1, 1 point1, 3 patch2, 4 point2). */
  pairs: string;
  /** One distance per pair, in file order: `.npy` ([N] or [N, 1]) or text (one per line). */
  distances: string;
  /** Default `hardnet`. */
  convention?: Fpr95Convention;
  /** HardNet tie rule; default `negatives-first`. */
  ties?: HardnetTieRule;
}

export interface EvalPairsResult {
  fpr95: number;
  convention: Fpr95Convention;
  ties?: HardnetTieRule;
  threshold: number;
  positives: number;
  negatives: number;
}

/**
 * FPR@95 of pair distances against a UBC pairs file (label = same 3D point), under a named
 * convention (see `fpr95` in @descbench/metrics). Malformed pair lines, a distance count that
 * differs from the pair count, NaN/infinite distances and, for `hynet`, fewer than 20 positives
 * are InputErrors naming the file and line.
 */
export function evalPairs(o: EvalPairsOptions): EvalPairsResult {
  const pairs = readUbcPairs(o.pairs);
  const m = readNumericMatrix(o.distances);
  if (m.cols !== 1) {
    throw new InputError(`expected one distance per pair (a single column), found ${m.cols} columns`, { file: o.distances });
  }
  if (m.rows !== pairs.label.length) {
    throw new InputError(`${m.rows} distances for ${pairs.label.length} pairs in ${o.pairs}`, { file: o.distances });
  }
  const isNpy = o.distances.toLowerCase().endsWith('.npy');
  for (let i = 0; i < m.rows; i++) {
    const v = m.values[i] as number;
    if (!Number.isFinite(v)) {
      throw new InputError(`distance of pair ${i} is ${String(v)}; expected a finite number`, isNpy ? { file: o.distances, at: `entry ${i}` } : { file: o.distances, line: lineOfValue(o.distances, i) });
    }
  }
  let r;
  try {
    r = fpr95(m.values, pairs.label, { convention: o.convention ?? 'hardnet', ties: o.ties });
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.detail, { ...e.location, file: o.pairs });
    throw e;
  }
  const out: EvalPairsResult = { fpr95: r.fpr, convention: r.convention, threshold: r.threshold, positives: r.positives, negatives: r.negatives };
  if (r.ties !== undefined) out.ties = r.ties;
  return out;
}

/** 1-based line of the i-th value of a one-value-per-line text file (blank lines skipped). */
function lineOfValue(path: string, index: number): number | undefined {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  let k = -1;
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).trim() === '') continue;
    if (++k === index) return i + 1;
  }
  return undefined;
}
