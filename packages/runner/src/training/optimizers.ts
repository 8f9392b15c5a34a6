import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import type { StateDict } from '@descbench/models';

/**
 * SGD and Adam with PyTorch's update rules (torch.optim.SGD / torch.optim.Adam), written out so
 * that their state is plain named tensors a checkpoint can hold and a resumed run restores
 * exactly. (tfjs's own optimizers differ: no SGD dampening, no Adam weight decay.)
 */
export interface Optimizer {
  readonly name: 'sgd' | 'adam';
  /** One update of every variable in `vars` (sorted by key) with its gradient, at learning rate `lr`. */
  step(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void;
  /** Optimiser state as host tensors keyed `<param key>.<slot>`, plus `step`. */
  state(): StateDict;
  loadState(sd: StateDict, file: string): void;
  dispose(): void;
}

export interface SgdOptions {
  momentum: number;
  dampening: number;
  weightDecay: number;
}

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

abstract class SlottedOptimizer {
  protected readonly slots = new Map<string, tf.Variable>();
  protected t = 0;

  protected slot(key: string, like: tf.Tensor): tf.Variable {
    let s = this.slots.get(key);
    if (s === undefined) {
      s = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, s);
    }
    return s;
  }

  state(): StateDict {
    const sd: StateDict = new Map([['step', { shape: [1], data: new Float32Array([this.t]) }]]);
    for (const key of [...this.slots.keys()].sort()) {
      const v = this.slots.get(key) as tf.Variable;
      sd.set(key, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    }
    return sd;
  }

  loadState(sd: StateDict, file: string): void {
    const step = sd.get('step');
    if (step === undefined) throw new InputError('optimizer state lacks "step"', { file });
    this.t = step.data[0] as number;
    this.dispose();
    for (const [key, h] of sd) {
      if (key === 'step') continue;
      this.slots.set(key, tf.variable(tf.tensor(h.data, h.shape, 'float32'), false));
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) s.dispose();
    this.slots.clear();
  }
}

/** torch.optim.SGD: d = g + wd p; buf = m buf + (1 - dampening) d (buf = d at the first step); p -= lr buf. */
export class Sgd extends SlottedOptimizer implements Optimizer {
  readonly name = 'sgd' as const;
  constructor(readonly o: SgdOptions) {
    super();
  }

  step(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    const first = this.t === 0;
    this.t++;
    for (const key of [...vars.keys()].sort()) {
      const p = vars.get(key) as tf.Variable;
      const g = grads.get(key);
      if (g === undefined) continue;
      tf.tidy(() => {
        const d = this.o.weightDecay !== 0 ? tf.add(g, tf.mul(p, this.o.weightDecay)) : g;
        let upd: tf.Tensor = d;
        if (this.o.momentum !== 0) {
          const buf = this.slot(`${key}.momentum_buffer`, p);
          const next = first ? d : tf.add(tf.mul(buf, this.o.momentum), tf.mul(d, 1 - this.o.dampening));
          buf.assign(next);
          upd = next;
        }
        p.assign(tf.sub(p, tf.mul(upd, lr)));
      });
    }
  }
}

/** torch.optim.Adam (L2 weight decay added to the gradient, bias-corrected moments). */
export class Adam extends SlottedOptimizer implements Optimizer {
  readonly name = 'adam' as const;
  constructor(readonly o: AdamOptions) {
    super();
  }

  step(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    this.t++;
    const bc1 = 1 - this.o.beta1 ** this.t;
    const bc2 = 1 - this.o.beta2 ** this.t;
    for (const key of [...vars.keys()].sort()) {
      const p = vars.get(key) as tf.Variable;
      const g0 = grads.get(key);
      if (g0 === undefined) continue;
      tf.tidy(() => {
        const g = this.o.weightDecay !== 0 ? tf.add(g0, tf.mul(p, this.o.weightDecay)) : g0;
        const m = this.slot(`${key}.exp_avg`, p);
        const v = this.slot(`${key}.exp_avg_sq`, p);
        m.assign(tf.add(tf.mul(m, this.o.beta1), tf.mul(g, 1 - this.o.beta1)));
        v.assign(tf.add(tf.mul(v, this.o.beta2), tf.mul(tf.square(g), 1 - this.o.beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), this.o.eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / bc1)));
      });
    }
  }
}
