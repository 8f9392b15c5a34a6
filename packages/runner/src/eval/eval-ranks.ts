import { InputError } from '@descbench/core';
import { readRevisitopGnd } from '@descbench/datasets';
import { evaluateRevisited, REVISITED_PROTOCOLS, type RankingLayout, type RevisitedProtocol } from '@descbench/metrics';
import { readNumericMatrix } from './read-matrix';

export interface EvalRanksOptions {
  /** revisitop ground truth, `gnd_<name>.pkl`. */
  gnd: string;
  /** Ranking: `.npy` or text, 0-based database indices. */
  ranks: string;
  /** Default `db-x-queries` (revisitop's `ranks`: one column per query). */
  layout?: RankingLayout;
  kappas?: readonly number[];
  /** Distractor images ranked after the ground truth's (R1M: indices |imlist|.. |imlist| + n - 1); default 0. */
  distractors?: number;
}

export interface ProtocolScores {
  mAP: number;
  'mP@k': number[];
}

export interface EvalRanksResult {
  easy: ProtocolScores;
  medium: ProtocolScores;
  hard: ProtocolScores;
  kappas: number[];
  queries: number;
  dbSize: number;
  /** Ranking entries per query (smaller than dbSize for a truncated ranking). */
  depth: number;
  /** Queries left out of the means per protocol (empty ok list). */
  emptyQueries: Record<RevisitedProtocol, number>;
}

/**
 * Revisited Oxford/Paris evaluation of a ranking file against a ground-truth pickle: mAP and mP@k
 * (k = 1, 5, 10) for Easy, Medium and Hard, as fractions, exactly as revisitop `compute_map`.
 * The ranking must have one entry list per query of the ground truth (shape `[depth, queries]` in
 * `db-x-queries` layout, `[queries, depth]` in `queries-x-db`), with distinct indices in
 * [0, #images) per query; otherwise InputError naming the file and query.
 */
export function evalRanks(o: EvalRanksOptions): EvalRanksResult {
  const layout = o.layout ?? 'db-x-queries';
  const kappas = [...(o.kappas ?? [1, 5, 10])];
  const g = readRevisitopGnd(o.gnd);
  const m = readNumericMatrix(o.ranks, { integers: true });
  const nq = g.gnd.length;
  const distractors = o.distractors ?? 0;
  if (!Number.isInteger(distractors) || distractors < 0) throw new InputError(`--distractors must be a non-negative integer, got ${distractors}`, { at: '--distractors' });
  const dbSize = g.imlist.length + distractors;
  const [depth, queries] = layout === 'db-x-queries' ? [m.rows, m.cols] : [m.cols, m.rows];
  if (queries !== nq) {
    const shape = `${m.rows} x ${m.cols}`;
    const hint =
      (layout === 'db-x-queries' ? m.rows : m.cols) === nq ? `; did you mean --layout ${layout === 'db-x-queries' ? 'queries-x-db' : 'db-x-queries'}?` : '';
    throw new InputError(
      `ranking of shape ${shape} does not fit the ground truth: ${layout} needs ${layout === 'db-x-queries' ? `[<=${dbSize}, ${nq}]` : `[${nq}, <=${dbSize}]`}${hint}`,
      { file: o.ranks },
    );
  }
  if (depth > dbSize) {
    throw new InputError(`ranking has ${depth} entries per query but the ground truth has ${dbSize} database images${distractors > 0 ? ` (with ${distractors} distractors)` : ' (R1M rankings: pass --distractors)'}`, { file: o.ranks });
  }
  const r = evaluateRevisited({ data: m.values, depth, queries, layout }, g.gnd, { dbSize, kappas, file: o.ranks });
  const pick = (p: RevisitedProtocol): ProtocolScores => ({ mAP: r[p].mAP, 'mP@k': r[p].mPk });
  const empty = {} as Record<RevisitedProtocol, number>;
  for (const p of REVISITED_PROTOCOLS) empty[p] = r[p].emptyQueries;
  return { easy: pick('easy'), medium: pick('medium'), hard: pick('hard'), kappas, queries, dbSize, depth, emptyQueries: empty };
}
