import * as tf from '@tensorflow/tfjs-core';
import { heapOffset, trainKernels, withScratch } from './wasm-train-module';

/**
 * im2col rows per chunk: about this many floats (128 KiB), at least MIN_ROWS rows. Measured on
 * L2-Net's layers at batch 256: the filter gradient is ~25% slower with 1 MiB chunks (the
 * chunk leaves the cache between the GEMM's column tiles); the input gradient does not care.
 */
const COL_FLOATS = 1 << 15;
const MIN_ROWS = 32;

function geometry(info: tf.backend_util.Conv2DInfo): [number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left];
}

/** Rows of im2col per chunk and the columns K = KH*KW*Ci: the scratch holds `rows * K` floats. */
function chunk(info: tf.backend_util.Conv2DInfo): { rows: number; k: number } {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;
  return { rows: Math.max(1, Math.min(m, Math.max(MIN_ROWS, Math.floor(COL_FLOATS / k)))), k };
}

function float32(t: tf.TensorInfo, what: string): void {
  if (t.dtype !== 'float32') throw new Error(`wasm conv gemm: ${what} must be float32, got ${t.dtype}`);
}

/** Conv2D: y `[B, OH, OW, Co]` = im2col(x) . W (conv-gemm.c), on the wasm heap. */
export function convForwardGemm(backend: tf.KernelBackend, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  float32(x, 'x');
  float32(filter, 'filter');
  const { k, be } = trainKernels(backend);
  const out = be.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  const { rows, k: kk } = chunk(info);
  withScratch(be, rows * kk * 4, (col) => k.conv_forward(heapOffset(be, x), heapOffset(be, filter), heapOffset(be, out), col, ...geometry(info), rows));
  return out;
}

/** Conv2DBackpropFilter: dW `[KH, KW, Ci, Co]` = im2col(x)^T . dy (conv-gemm.c), on the wasm heap. */
export function convFilterGradGemm(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  float32(x, 'x');
  float32(dy, 'dy');
  const { k, be } = trainKernels(backend);
  const out = be.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
  const { rows, k: kk } = chunk(info);
  withScratch(be, rows * kk * 4, (col) => k.conv_filter_grad(heapOffset(be, x), heapOffset(be, dy), heapOffset(be, out), col, ...geometry(info), rows));
  return out;
}

/** Conv2DBackpropInput: dx `[B, H, W, Ci]` = col2im(dy . W^T) (conv-gemm.c), on the wasm heap. */
export function convInputGradGemm(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  float32(dy, 'dy');
  float32(filter, 'filter');
  const { k, be } = trainKernels(backend);
  const out = be.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32');
  const { rows, k: kk } = chunk(info);
  withScratch(be, (rows * kk + kk * info.outChannels) * 4, (col) =>
    k.conv_input_grad(heapOffset(be, dy), heapOffset(be, filter), heapOffset(be, out), col, col + rows * kk * 4, ...geometry(info), rows),
  );
  return out;
}
