import * as tf from '@tensorflow/tfjs-core';

/**
 * Seeded dropout for training passes. Each call site draws its mask from `tf.randomUniform` with
 * its own seed (the pass seed plus a site counter), so the same pass seed gives the same masks on
 * the same backend, and different seeds different masks.
 */
export class DropoutSites {
  private site = 0;
  constructor(
    readonly active: boolean,
    private readonly seed: number,
  ) {}

  private nextSeed(): number {
    // odd multiplier spreads consecutive sites apart in seedrandom's seed space
    return (this.seed * 1000003 + ++this.site * 7919) % 2147483647;
  }

  /** nn.Dropout(p): zero each element with probability p, scale the rest by 1 / (1 - p). */
  dropout<T extends tf.Tensor>(x: T, p: number): T {
    if (!this.active || p === 0) return x;
    const keep = 1 - p;
    const mask = tf.floor(tf.add(tf.randomUniform(x.shape, 0, 1, 'float32', this.nextSeed()), keep));
    return tf.mul(x, tf.div(mask, keep)) as T;
  }

  /** timm's drop_path: per sample (first axis) keep the residual branch with probability 1 - p, scaled by 1 / (1 - p). */
  dropPath<T extends tf.Tensor>(x: T, p: number): T {
    if (!this.active || p === 0) return x;
    const keep = 1 - p;
    const shape = [x.shape[0] as number, ...x.shape.slice(1).map(() => 1)];
    const mask = tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', this.nextSeed()), keep));
    return tf.mul(x, tf.div(mask, keep)) as T;
  }
}
