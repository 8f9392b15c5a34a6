import { InputError } from '@descbench/core';
import { locateTagged, type Ranking, type TaggedItems, type TaggedPositions } from './ranking';

/**
 * Retrieval mAP and mP@k exactly as revisitop `python/evaluate.py` (`compute_ap`,
 * `compute_map`) computes them (PROTOCOLS.md, "Revisited Oxford / Paris"):
 *
 * - positions (0-based) of a query's `ok` images in its ranking, each reduced by the number of
 *   `junk` images ranked strictly before it;
 * - AP = sum_j (P0 + P1) * (1/|ok|) / 2 with P0 = j / r_j (1 when r_j = 0), P1 = (j+1) / (r_j+1);
 *   `|ok|` is the length of the ok list as given; ok images missing from a truncated ranking
 *   contribute nothing;
 * - P@k with 1-based adjusted positions: kq = min(max(pos), k), P = #(pos <= kq) / kq. When no ok
 *   image appears in a truncated ranking at all, revisitop fails (max of an empty array);
 *   descbench defines P@k = 0 there;
 * - a query with an empty ok list gets NaN and is left out of both means.
 */
export interface QueryGroundTruth {
  ok: ArrayLike<number>;
  junk?: ArrayLike<number>;
}

export interface MapResult {
  /** Mean AP over queries with a non-empty ok list (NaN if there are none). */
  mAP: number;
  /** `[Q]` AP per query; NaN where ok is empty. */
  aps: Float64Array;
  /** `[K]` mean P@k per kappa. */
  mPk: number[];
  /** `[Q][K]` P@k per query and kappa; NaN where ok is empty. */
  pks: Float64Array[];
  /** Queries left out because their ok list is empty. */
  emptyQueries: number;
  /** `[Q]` 0-based positions of each query's ok images after the junk shift; null where ok is empty. */
  adjusted: (Int32Array | null)[];
}

export const DEFAULT_KAPPAS: readonly number[] = [1, 5, 10];

const OK = 1;
const JUNK = 2;

export interface MapOptions {
  /** Database size (every index must be below it); default: 1 + the largest ranked index seen is not used -- pass it. */
  dbSize: number;
  kappas?: readonly number[];
  checkDuplicates?: boolean;
  file?: string;
}

/** revisitop `compute_map` over a ranking; see the module description. */
export function computeMap(ranking: Ranking, gnd: readonly QueryGroundTruth[], o: MapOptions): MapResult {
  const tagged: TaggedItems[] = gnd.map((g) => tagOkJunk(g.ok, g.junk ?? []));
  const located = locateTagged(ranking, tagged, o);
  return mapFromLocated(located, gnd.map((g) => g.ok.length), OK, JUNK, o.kappas ?? DEFAULT_KAPPAS);
}

/** AP of one query from its adjusted 0-based positive positions (revisitop `compute_ap`). */
export function apFromPositions(pos: ArrayLike<number>, nres: number): number {
  let ap = 0;
  const step = 1 / nres;
  for (let j = 0; j < pos.length; j++) {
    const rank = pos[j] as number;
    const p0 = rank === 0 ? 1 : j / rank;
    const p1 = (j + 1) / (rank + 1);
    ap += ((p0 + p1) * step) / 2;
  }
  return ap;
}

/**
 * AP and P@k from located items: `okMask`/`junkMask` pick which tagged sets play ok and junk,
 * `nres[q]` is the length of query q's ok list.
 */
export function mapFromLocated(
  located: readonly TaggedPositions[],
  nres: readonly number[],
  okMask: number,
  junkMask: number,
  kappas: readonly number[],
): MapResult {
  const nq = located.length;
  const aps = new Float64Array(nq);
  const pks: Float64Array[] = [];
  const pr = new Array<number>(kappas.length).fill(0);
  const adjusted: (Int32Array | null)[] = [];
  let sum = 0;
  let nempty = 0;
  for (let q = 0; q < nq; q++) {
    const prs = new Float64Array(kappas.length);
    pks.push(prs);
    const n = nres[q] as number;
    if (n === 0) {
      aps[q] = NaN;
      prs.fill(NaN);
      adjusted.push(null);
      nempty++;
      continue;
    }
    const { positions, masks } = located[q] as TaggedPositions;
    // positions are increasing; shift each ok position by the junk strictly before it
    const pos: number[] = [];
    let junkBefore = 0;
    for (let i = 0; i < positions.length; i++) {
      const m = masks[i] as number;
      // an image both ok and junk is not "strictly before" itself: count it as junk after
      if ((m & okMask) !== 0) pos.push((positions[i] as number) - junkBefore);
      if ((m & junkMask) !== 0) junkBefore++;
    }
    adjusted.push(Int32Array.from(pos));
    const ap = apFromPositions(pos, n);
    sum = sum + ap;
    aps[q] = ap;
    const maxPos = pos.length > 0 ? (pos[pos.length - 1] as number) + 1 : 0;
    for (let j = 0; j < kappas.length; j++) {
      const k = kappas[j] as number;
      if (pos.length === 0) {
        prs[j] = 0;
      } else {
        const kq = Math.min(maxPos, k);
        let c = 0;
        for (const p of pos) if (p + 1 <= kq) c++;
        prs[j] = c / kq;
      }
      pr[j] = (pr[j] as number) + (prs[j] as number);
    }
  }
  const denom = nq - nempty;
  return {
    mAP: sum / denom,
    aps,
    mPk: pr.map((v) => v / denom),
    pks,
    emptyQueries: nempty,
    adjusted,
  };
}

function tagOkJunk(ok: ArrayLike<number>, junk: ArrayLike<number>): TaggedItems {
  const m = new Map<number, number>();
  for (let i = 0; i < ok.length; i++) m.set(ok[i] as number, (m.get(ok[i] as number) ?? 0) | OK);
  for (let i = 0; i < junk.length; i++) m.set(junk[i] as number, (m.get(junk[i] as number) ?? 0) | JUNK);
  return { items: [...m.keys()], masks: [...m.values()] };
}

/** Revisited Oxford/Paris ground truth of one query (from `gnd_<name>.pkl`). */
export interface RevisitedQuery {
  easy: ArrayLike<number>;
  hard: ArrayLike<number>;
  junk: ArrayLike<number>;
  /** Query crop [x1, y1, x2, y2]. */
  bbx?: ArrayLike<number>;
}

export const REVISITED_PROTOCOLS = ['easy', 'medium', 'hard'] as const;
export type RevisitedProtocol = (typeof REVISITED_PROTOCOLS)[number];

/**
 * The ok/junk lists of a protocol (revisitop's example scripts): Easy: ok = easy, junk = junk +
 * hard; Medium: ok = easy + hard, junk = junk; Hard: ok = hard, junk = junk + easy.
 */
export function revisitedGroundTruth(gnd: readonly RevisitedQuery[], protocol: RevisitedProtocol): QueryGroundTruth[] {
  const cat = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => [...Array.from(a), ...Array.from(b)];
  return gnd.map((g) => {
    switch (protocol) {
      case 'easy':
        return { ok: Array.from(g.easy), junk: cat(g.junk, g.hard) };
      case 'medium':
        return { ok: cat(g.easy, g.hard), junk: Array.from(g.junk) };
      case 'hard':
        return { ok: Array.from(g.hard), junk: cat(g.junk, g.easy) };
      default:
        throw new InputError(`unknown protocol "${String(protocol)}"`);
    }
  });
}

export type RevisitedResult = Record<RevisitedProtocol, MapResult>;

const EASY = 1;
const HARD = 2;
const RJUNK = 4;

/**
 * mAP and mP@k for Easy, Medium and Hard in one pass over the ranking; identical to calling
 * {@link computeMap} with {@link revisitedGroundTruth} three times.
 */
export function evaluateRevisited(ranking: Ranking, gnd: readonly RevisitedQuery[], o: MapOptions): RevisitedResult {
  const tagged: TaggedItems[] = gnd.map((g) => {
    const m = new Map<number, number>();
    const add = (a: ArrayLike<number>, bit: number): void => {
      for (let i = 0; i < a.length; i++) m.set(a[i] as number, (m.get(a[i] as number) ?? 0) | bit);
    };
    add(g.easy, EASY);
    add(g.hard, HARD);
    add(g.junk, RJUNK);
    return { items: [...m.keys()], masks: [...m.values()] };
  });
  const located = locateTagged(ranking, tagged, o);
  const kappas = o.kappas ?? DEFAULT_KAPPAS;
  return {
    easy: mapFromLocated(located, gnd.map((g) => g.easy.length), EASY, RJUNK | HARD, kappas),
    medium: mapFromLocated(located, gnd.map((g) => g.easy.length + g.hard.length), EASY | HARD, RJUNK, kappas),
    hard: mapFromLocated(located, gnd.map((g) => g.hard.length), HARD, RJUNK | EASY, kappas),
  };
}
