import { InputError, SeededRng } from '@descbench/core';

/**
 * Seeded training sampler for patch datasets labelled by 3D point (UBC `info.txt`): each batch
 * holds `batchSize` distinct 3D points and two distinct patches of each (anchor, positive), the
 * batch layout of HardNet / L2-Net / SOSNet / HyNet training. Only points with at least two
 * patches are drawn. Same seed, same batches.
 */
export interface PairBatch {
  /** `[B]` patch indices. */
  anchors: Int32Array;
  /** `[B]` patch indices; positives[i] shows the same 3D point as anchors[i]. */
  positives: Int32Array;
  /** `[B]` the 3D point id of each pair (all distinct). */
  points: Int32Array;
}

export class PointPairSampler {
  /** Patch indices grouped by point: patches of group g are members[start[g]..start[g+1]). */
  private readonly start: Int32Array;
  private readonly members: Int32Array;
  private readonly groupPoint: Int32Array;
  private readonly rng: SeededRng;
  private order: Int32Array;
  private cursor = 0;

  constructor(
    pointIds: Int32Array,
    readonly batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    const byPoint = new Map<number, number[]>();
    for (let i = 0; i < pointIds.length; i++) {
      const p = pointIds[i] as number;
      let l = byPoint.get(p);
      if (l === undefined) byPoint.set(p, (l = []));
      l.push(i);
    }
    const groups = [...byPoint.entries()].filter(([, l]) => l.length >= 2).sort((a, b) => a[0] - b[0]);
    if (groups.length < batchSize) {
      throw new InputError(`only ${groups.length} 3D points have two or more patches; a batch needs ${batchSize} distinct points`, {
        at: 'training sampler',
      });
    }
    this.start = new Int32Array(groups.length + 1);
    this.groupPoint = new Int32Array(groups.length);
    const total = groups.reduce((s, [, l]) => s + l.length, 0);
    this.members = new Int32Array(total);
    let o = 0;
    groups.forEach(([p, l], g) => {
      this.start[g] = o;
      this.groupPoint[g] = p;
      this.members.set(l, o);
      o += l.length;
    });
    this.start[groups.length] = o;
    this.rng = new SeededRng(seed);
    this.order = this.shuffled();
  }

  /** Number of points with at least two patches. */
  get numPoints(): number {
    return this.groupPoint.length;
  }

  /** Batches per pass over the points (each point at most once per pass). */
  get batchesPerEpoch(): number {
    return Math.floor(this.numPoints / this.batchSize);
  }

  private shuffled(): Int32Array {
    const idx = Array.from({ length: this.numPoints }, (_, i) => i);
    return Int32Array.from(this.rng.shuffle(idx));
  }

  /**
   * Next batch: points are taken from a shuffled pass over all points (a new shuffle when fewer
   * than `batchSize` remain), so points within a batch are always distinct.
   */
  next(): PairBatch {
    const B = this.batchSize;
    if (this.cursor + B > this.order.length) {
      this.order = this.shuffled();
      this.cursor = 0;
    }
    const anchors = new Int32Array(B);
    const positives = new Int32Array(B);
    const points = new Int32Array(B);
    for (let i = 0; i < B; i++) {
      const g = this.order[this.cursor++] as number;
      const s = this.start[g] as number;
      const n = (this.start[g + 1] as number) - s;
      const a = this.rng.int(0, n - 1);
      let b = this.rng.int(0, n - 2);
      if (b >= a) b++;
      anchors[i] = this.members[s + a] as number;
      positives[i] = this.members[s + b] as number;
      points[i] = this.groupPoint[g] as number;
    }
    return { anchors, positives, points };
  }
}
