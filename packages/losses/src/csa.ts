import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '@descbench/core';
import { checkFinite, checkFloatTensor, checkPositive, resolveOptions } from './checks';
import { l2Normalize } from './distances';

/**
 * CSA's contrastive re-ranking loss (ouyjb/CSA: `RerankTransformer.forward` + the training loop):
 * tokens are L2-normalised (`F.normalize`), `sim_j = cos(token_0, token_j)` for every token j
 * (token 0, the query, included), and
 * `loss = mean_b -log(sum_j y_bj e^{sim_bj / t} / sum_j e^{sim_bj / t})`.
 * In the CSA dataset y_b0 = 1 (the query is in its own cluster).
 *
 * Shapes: tokens `[B, T, E]` float32 (transformer outputs), targets `[B, T]` float32 0/1 with at
 * least one positive per row -> scalar. Temperature t: CSA uses 2.
 */
export function csaContrastiveLoss(tokens: tf.Tensor3D, targets: tf.Tensor2D, options?: Partial<{ temperature: number }>): tf.Scalar {
  const o = resolveOptions('csa-contrastive', { temperature: 2 }, options);
  checkPositive(o.temperature, 'temperature', 'csa-contrastive');
  checkTokens(tokens, targets, 'csa-contrastive');
  return tf.tidy(() => {
    const n = l2Normalize(tokens);
    const [b, , e] = tokens.shape;
    const q = tf.slice(n, [0, 0, 0], [b, 1, e]);
    const sim = tf.sum(tf.mul(q, n), -1); // [B, T]
    const ex = tf.exp(tf.div(sim, o.temperature));
    const ratio = tf.div(tf.sum(tf.mul(ex, targets), -1), tf.sum(ex, -1));
    return tf.mean(tf.mul(-1, tf.log(ratio))) as tf.Scalar;
  });
}

/**
 * CSA's reconstruction term (`RerankTransformer.forward`, `MSE_loss`): each affinity row and its
 * reconstruction are L2-normalised, and
 * `loss = mean_{b,t} sqrt(clamp(sum_l (a_btl - r_btl)^2, 1e-4, 1e4))` -- an L2 distance, despite
 * the reference's name. The clamp passes the gradient at its bounds (`torch.clamp`), so an exact
 * reconstruction gives zero gradient there.
 *
 * Shapes: affinity, reconstruction `[B, T, L]` float32 -> scalar.
 */
export function csaReconstructionLoss(affinity: tf.Tensor3D, reconstruction: tf.Tensor3D, options?: Partial<object>): tf.Scalar {
  resolveOptions('csa-reconstruction', {}, options);
  checkFloatTensor(affinity, 3, 'affinity', 'csa-reconstruction');
  checkFloatTensor(reconstruction, 3, 'reconstruction', 'csa-reconstruction');
  if (affinity.shape.some((s, i) => s !== reconstruction.shape[i])) {
    throw new InputError(
      `csa-reconstruction: affinity [${affinity.shape.join(', ')}] and reconstruction [${reconstruction.shape.join(', ')}] differ`,
      { at: 'reconstruction' },
    );
  }
  return tf.tidy(() => {
    const diff = tf.sub(l2Normalize(affinity), l2Normalize(reconstruction));
    return tf.mean(tf.sqrt(tf.clipByValue(tf.sum(tf.square(diff), -1), 1e-4, 1e4))) as tf.Scalar;
  });
}

export interface CsaOptions {
  /** Softmax temperature t (CSA: 2). */
  temperature: number;
  /** Weight of the reconstruction term (CSA: 0.2). */
  weight: number;
}

export const CSA_DEFAULTS: CsaOptions = { temperature: 2, weight: 0.2 };

/**
 * CSA's training loss: {@link csaContrastiveLoss} + weight x {@link csaReconstructionLoss}.
 * Shapes: tokens `[B, T, E]`, targets `[B, T]`, affinity and reconstruction `[B, T, L]` -> scalar.
 */
export function csaLoss(
  tokens: tf.Tensor3D,
  targets: tf.Tensor2D,
  affinity: tf.Tensor3D,
  reconstruction: tf.Tensor3D,
  options?: Partial<CsaOptions>,
): tf.Scalar {
  const o = resolveOptions('csa', CSA_DEFAULTS, options);
  checkFinite(o.weight, 'weight', 'csa');
  if (affinity.rank === 3 && affinity.shape[0] !== tokens.shape[0]) {
    throw new InputError(`csa: affinity has batch ${affinity.shape[0]}, tokens ${tokens.shape[0]}`, { at: 'affinity' });
  }
  return tf.tidy(
    () =>
      tf.add(
        csaContrastiveLoss(tokens, targets, { temperature: o.temperature }),
        tf.mul(o.weight, csaReconstructionLoss(affinity, reconstruction)),
      ) as tf.Scalar,
  );
}

function checkTokens(tokens: tf.Tensor3D, targets: tf.Tensor2D, loss: string): void {
  checkFloatTensor(tokens, 3, 'tokens', loss);
  checkFloatTensor(targets, 2, 'targets', loss);
  if (targets.shape[0] !== tokens.shape[0] || targets.shape[1] !== tokens.shape[1]) {
    throw new InputError(`${loss}: targets [${targets.shape.join(', ')}] must be [B, T] of tokens [${tokens.shape.join(', ')}]`, {
      at: 'targets',
    });
  }
  const t = targets.dataSync();
  const width = targets.shape[1];
  for (let b = 0; b < targets.shape[0]; b++) {
    let positives = 0;
    for (let j = 0; j < width; j++) {
      const v = t[b * width + j] as number;
      if (v !== 0 && v !== 1) throw new InputError(`${loss}: target [${b}, ${j}] is ${v}; expected 0 or 1`, { at: `row ${b}` });
      positives += v;
    }
    if (positives === 0) throw new InputError(`${loss}: row ${b} has no positive target (the loss would be infinite)`, { at: `row ${b}` });
  }
}
