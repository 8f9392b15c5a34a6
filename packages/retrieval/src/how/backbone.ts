import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';

/**
 * A small fully-convolutional tfjs backbone for training HOW at the smoke / tiny profiles (the
 * paper's ResNet-18/50 runs as an ONNX file for inference): conv 3x3 + ReLU blocks, the strides
 * given, He-uniform weights from a seed. Input `[B, H, W, 1 or 3]` in 0..1, output `[B, h, w, C]`.
 */
export interface TinyBackboneConfig {
  inChannels: number;
  channels: number[];
  strides: number[];
}

export const TINY_BACKBONE: TinyBackboneConfig = { inChannels: 1, channels: [16, 32, 32], strides: [2, 2, 1] };

export interface TinyBackbone {
  config: TinyBackboneConfig;
  weights: tf.Variable<tf.Rank.R4>[];
  biases: tf.Variable<tf.Rank.R1>[];
}

export function createTinyBackbone(config: TinyBackboneConfig, seed: number): TinyBackbone {
  const rng = new SeededRng(seed);
  let cin = config.inChannels;
  const weights: tf.Variable<tf.Rank.R4>[] = [];
  const biases: tf.Variable<tf.Rank.R1>[] = [];
  for (const c of config.channels) {
    const bound = Math.sqrt(6 / (9 * cin));
    weights.push(tf.variable(tf.tensor4d(Float32Array.from({ length: 9 * cin * c }, () => (2 * rng.float() - 1) * bound), [3, 3, cin, c])));
    biases.push(tf.variable(tf.zeros([c])));
    cin = c;
  }
  return { config, weights, biases };
}

export function backboneForward(b: TinyBackbone, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    let h = x;
    b.weights.forEach((w, i) => {
      const s = b.config.strides[i]!;
      h = tf.relu(tf.add(tf.conv2d(h, w, s, 'same'), b.biases[i]!)) as tf.Tensor4D;
    });
    return h;
  });
}
