import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, trainKernels, withScratch } from './wasm-train-module';

/** Kernel names (wasm only): training-mode BatchNorm and its input gradient, fused (reduce.c). */
export const BATCH_NORM_TRAIN = 'DescbenchBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'DescbenchBatchNormTrainGrad';

function channels(t: tf.TensorInfo): { m: number; c: number } {
  if (t.dtype !== 'float32') throw new Error(`${BATCH_NORM_TRAIN}: float32 expected, got ${t.dtype}`);
  const c = t.shape[t.shape.length - 1] ?? 1;
  return { m: tf.util.sizeFromShape(t.shape) / c, c };
}

/**
 * Training-mode BatchNorm without affine over every axis but the last, fused on the wasm heap:
 * `x [.., C]` -> y = (x - mean) * rstd, mean, biased variance, rstd = 1 / sqrt(var + eps) (`[C]`
 * each), in three passes with float64 sums; its gradient dx = rstd * (dy - mean(dy) - y *
 * mean(dy * y)) in two. The op-by-op version (GEMMs with a ones row, broadcast Sub/Mul) made
 * about twelve passes over the activations.
 */
export function registerWasmBatchNorm(): void {
  if (tf.getKernel(BATCH_NORM_TRAIN, 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: BATCH_NORM_TRAIN,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x } = inputs as { x: tf.TensorInfo };
        const { eps } = attrs as unknown as { eps: number };
        const { m, c } = channels(x);
        const { k, be } = trainKernels(backend);
        const y = be.makeOutput([...x.shape], 'float32');
        const [mean, variance, rstd] = [0, 1, 2].map(() => be.makeOutput([c], 'float32')) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
        withScratch(be, c * 8, (acc) => k.batch_norm_train(heapOffset(be, x), heapOffset(be, y), heapOffset(be, mean), heapOffset(be, variance), heapOffset(be, rstd), acc, m, c, eps));
        return [y, mean, variance, rstd];
      },
    });
  }
  if (tf.getKernel(BATCH_NORM_TRAIN_GRAD, 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: BATCH_NORM_TRAIN_GRAD,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => {
        const { dy, y, rstd } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo; rstd: tf.TensorInfo };
        const { m, c } = channels(dy);
        const { k, be } = trainKernels(backend);
        const dx = be.makeOutput([...dy.shape], 'float32');
        withScratch(be, c * 24, (acc) => k.batch_norm_train_grad(heapOffset(be, dy), heapOffset(be, y), heapOffset(be, rstd), heapOffset(be, dx), acc, acc + c * 16, m, c));
        return dx;
      },
    });
  }
}
