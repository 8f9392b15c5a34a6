import * as tf from '@tensorflow/tfjs-core';

/**
 * torch.optim.SGD (dampening 0, no Nesterov) over two parameter groups as the authors'
 * `create_optimizer` builds them: weight decay on the `decay` keys, none on the others.
 * d = g + wd p; buf = m buf + d (buf = d at the first step); p -= lr buf.
 * Optional `clip_grad_norm_` (total L2 norm over every gradient, scaled by max / (norm + 1e-6)
 * when above `maxNorm`), applied before the update as train.py does when `--clip_max_norm > 0`.
 */
export class CsaSgd {
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(
    readonly o: { momentum: number; weightDecay: number; decayKeys: ReadonlySet<string>; clipMaxNorm: number },
  ) {}

  /** Total gradient norm before clipping (what clip_grad_norm_ returns). */
  step(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): number {
    const keys = [...vars.keys()].sort();
    const norm = tf.tidy(() => Math.sqrt(tf.addN(keys.map((k) => tf.sum(tf.square(grads.get(k)!)))).dataSync()[0] as number));
    const scale = this.o.clipMaxNorm > 0 && this.o.clipMaxNorm / (norm + 1e-6) < 1 ? this.o.clipMaxNorm / (norm + 1e-6) : 1;
    for (const key of keys) {
      const p = vars.get(key)!;
      const g0 = grads.get(key);
      if (g0 === undefined) continue;
      tf.tidy(() => {
        const g = scale !== 1 ? tf.mul(g0, scale) : g0;
        const d = this.o.decayKeys.has(key) && this.o.weightDecay !== 0 ? tf.add(g, tf.mul(p, this.o.weightDecay)) : g;
        let buf = this.buffers.get(key);
        if (buf === undefined) {
          buf = tf.variable(d, false);
          this.buffers.set(key, buf);
        } else buf.assign(tf.add(tf.mul(buf, this.o.momentum), d));
        p.assign(tf.sub(p, tf.mul(buf, lr)));
      });
    }
    return norm;
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
