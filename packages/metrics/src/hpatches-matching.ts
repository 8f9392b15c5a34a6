import { InputError } from '@descbench/core';
import { precisionRecall, type ApConvention } from './average-precision';
import { rowDistance, type DescriptorDistance } from './descriptors';
import { getSequence, HPATCHES_NOISE, type HPatchesDescriptors, type HPatchesImage, type HPatchesNoise } from './hpatches-types';

export interface MatchingImageScores {
  ap: number;
  /** Success rate: fraction of reference patches whose nearest neighbour is their counterpart. */
  sr: number;
}

/** Per sequence: per noise level, the five images' scores (index 0 = image 1). */
export type MatchingResult = Map<string, Record<HPatchesNoise, MatchingImageScores[]>>;

/**
 * HPatches image matching (hpatches-benchmark `tasks.eval_matching`): for each sequence, noise
 * level and image i = 1..5, the nearest neighbour (first minimum) of every `ref` patch among
 * image i's patches; label = (NN index == own index); AP of scores -NN distance with
 * numPositives = #patches (`python` convention by default).
 */
export function hpatchesMatching(
  descr: HPatchesDescriptors,
  sequences: readonly string[],
  o: { distance?: DescriptorDistance; apConvention?: ApConvention } = {},
): MatchingResult {
  const distance = o.distance ?? 'L2';
  const out: MatchingResult = new Map();
  for (const seq of sequences) {
    const s = getSequence(descr, seq);
    const ref = s.ref;
    const n = ref.rows;
    if (n === 0) throw new InputError(`sequence ${seq} has no patches`, { at: `sequence ${seq}` });
    const perNoise = {} as Record<HPatchesNoise, MatchingImageScores[]>;
    for (const t of HPATCHES_NOISE) {
      const list: MatchingImageScores[] = [];
      for (let i = 1; i <= 5; i++) {
        const img = s[`${t}${i}` as HPatchesImage];
        if (img.rows !== n) {
          throw new InputError(`sequence ${seq}: image ${t}${i} has ${img.rows} patches, ref has ${n}`, { at: `sequence ${seq}` });
        }
        const scores = new Float64Array(n);
        const labels = new Uint8Array(n);
        let correct = 0;
        for (let r = 0; r < n; r++) {
          let best = Infinity;
          let arg = 0;
          for (let c = 0; c < n; c++) {
            const d = rowDistance(ref, r, img, c, distance);
            if (d < best) {
              best = d;
              arg = c;
            }
          }
          scores[r] = -best;
          if (arg === r) {
            labels[r] = 1;
            correct++;
          }
        }
        const { ap } = precisionRecall(scores, labels, { convention: o.apConvention ?? 'python', numPositives: n });
        list.push({ ap, sr: correct / n });
      }
      perNoise[t] = list;
    }
    out.set(seq, perNoise);
  }
  return out;
}
