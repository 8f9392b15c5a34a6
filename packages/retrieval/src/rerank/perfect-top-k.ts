/**
 * What a PERFECT re-ranker of the top K would return: the first-stage `ranking` (database indices,
 * best first) with the top K's positives moved ahead of its negatives (each group keeping its
 * first-stage order) and the rest untouched. CSA, like any re-ranker of the top K, cannot do better,
 * so the mAP of this ranking bounds it (e.g. against alpha-QE, which searches the whole database).
 */
export function perfectTopK(ranking: ArrayLike<number>, positives: ReadonlySet<number>, k: number): number[] {
  const order = Array.from(ranking);
  const head = order.slice(0, k);
  return [...head.filter((i) => positives.has(i)), ...head.filter((i) => !positives.has(i)), ...order.slice(k)];
}
