import { InputError } from '@descbench/core';
import type { AggregatedImage } from './aggregate';
import { binarySimilarity, packedWords } from './binary';
import { selectiveKernel, type SelectiveKernel } from './selective-kernel';

/**
 * ASMK's inverted file: per visual word, the database images that have it, with their binary
 * residual signature. A query scores every image it shares a word with:
 *   K(X, Y) = gamma(X) gamma(Y) sum_{c in X and Y} sigma_alpha(b(X_c)^T b(Y_c)).
 */
export class AsmkInvertedFile {
  private readonly lists: { images: number[]; signs: number[] }[];
  private readonly gammas: number[] = [];
  private entries = 0;

  constructor(
    readonly k: number,
    readonly dim: number,
    readonly kernel: SelectiveKernel,
  ) {
    this.lists = Array.from({ length: k }, () => ({ images: [], signs: [] }));
  }

  get images(): number {
    return this.gammas.length;
  }

  /** Add a database image; returns its index. */
  add(img: AggregatedImage): number {
    const id = this.gammas.length;
    const W = packedWords(this.dim);
    img.words.forEach((w, r) => {
      if (w < 0 || w >= this.k) throw new InputError(`ASMK: word ${w} is outside the codebook of ${this.k} words`);
      const l = this.lists[w]!;
      l.images.push(id);
      for (let j = 0; j < W; j++) l.signs.push(img.signs[r * W + j]!);
    });
    this.gammas.push(img.gamma);
    this.entries += img.words.length;
    return id;
  }

  /** Scores of every database image for one aggregated query, `[images]`. */
  search(q: AggregatedImage): Float64Array {
    const W = packedWords(this.dim);
    const scores = new Float64Array(this.images);
    const buf = new Uint32Array(W);
    q.words.forEach((w, r) => {
      const l = this.lists[w];
      if (l === undefined) return;
      for (let e = 0; e < l.images.length; e++) {
        for (let j = 0; j < W; j++) buf[j] = l.signs[e * W + j]!;
        const s = selectiveKernel(binarySimilarity(q.signs, r * W, buf, 0, this.dim), this.kernel);
        if (s !== 0) scores[l.images[e]!]! += s;
      }
    });
    for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! * q.gamma * this.gammas[i]!;
    return scores;
  }

  /**
   * Memory of the stored database, as the slides' "Mem (GB)": per stored (image, word) entry the
   * packed signature (D / 8 bytes) and a 4-byte image id; per image its 8-byte gamma.
   */
  memoryBytes(): number {
    return this.entries * (packedWords(this.dim) * 4 + 4) + this.images * 8;
  }
}
